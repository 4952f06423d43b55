namespace NetDsl.Tests;

/// <summary>The learning-rate schedules against hand-worked values of Keras 3's formulas, and how an optimizer uses one.</summary>
public sealed class LearningRateScheduleTests
{
    private static void Near(double expected, float actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(Math.Abs(expected), 1e-30), $"expected {expected}, got {actual}");

    [Fact]
    public void Exponential_decay_is_the_initial_rate_times_the_rate_to_the_power_step_over_decay_steps()
    {
        var decay = new ExponentialDecay(0.1f, DecaySteps: 10, DecayRate: 0.5f);
        Near(0.1, decay.LearningRateAt(0));
        Near(0.0707106781, decay.LearningRateAt(5));      // 0.1 · 0.5^½
        Near(0.05, decay.LearningRateAt(10));             // 0.1 · 0.5
        Near(0.0176776695, decay.LearningRateAt(25));     // 0.1 · 0.5^2.5
        var staircase = decay with { Staircase = true };
        Near(0.1, staircase.LearningRateAt(9));
        Near(0.05, staircase.LearningRateAt(10));
        Near(0.05, staircase.LearningRateAt(19));
        Near(0.025, staircase.LearningRateAt(25));        // 0.1 · 0.5^⌊2.5⌋
    }

    [Fact]
    public void Piecewise_constant_decay_changes_after_each_boundary()
    {
        // Keras's own example: 1.0 for the first 100 001 steps, 0.5 for the next 10 000, then 0.1.
        var steps = new PiecewiseConstantDecay([100_000, 110_000], [1f, 0.5f, 0.1f]);
        Assert.Equal(1f, steps.LearningRateAt(0));
        Assert.Equal(1f, steps.LearningRateAt(100_000));
        Assert.Equal(0.5f, steps.LearningRateAt(100_001));
        Assert.Equal(0.5f, steps.LearningRateAt(110_000));
        Assert.Equal(0.1f, steps.LearningRateAt(110_001));
        Assert.Equal(0.1f, steps.LearningRateAt(long.MaxValue));
        // Records compare by value, the lists included (Fit continues an optimizer state when the optimizer is equal).
        Assert.Equal(steps, new PiecewiseConstantDecay([100_000, 110_000], [1f, 0.5f, 0.1f]));
        Assert.NotEqual(steps, new PiecewiseConstantDecay([100_000, 110_000], [1f, 0.5f, 0.2f]));
        Assert.Equal(new Adam { LearningRateSchedule = steps }, new Adam { LearningRateSchedule = new PiecewiseConstantDecay([100_000, 110_000], [1f, 0.5f, 0.1f]) });
        Assert.Equal("PiecewiseConstantDecay { Boundaries = [100000, 110000], Values = [1, 0.5, 0.1] }", steps.ToString());
    }

    [Fact]
    public void Piecewise_constant_decay_refuses_mismatched_or_unordered_lists()
    {
        Assert.Contains("one value more than boundaries", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1f])).Message);
        Assert.Contains("one value more than boundaries", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([], [1f])).Message);
        Assert.Contains("increase strictly", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 10], [1f, 2f, 3f])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PiecewiseConstantDecay([10], [1f, float.NaN]));
    }

    [Fact]
    public void Cosine_decay_falls_from_the_initial_rate_to_alpha_times_it_and_stays()
    {
        var cosine = new CosineDecay(0.1f, DecaySteps: 100);
        Near(0.1, cosine.LearningRateAt(0));
        Near(0.0853553391, cosine.LearningRateAt(25));    // 0.1 · ½(1 + cos π/4)
        Near(0.05, cosine.LearningRateAt(50));
        Assert.Equal(0f, cosine.LearningRateAt(100), 1e-9f);
        Assert.Equal(0f, cosine.LearningRateAt(1000), 1e-9f);
        var floor = cosine with { Alpha = 0.1f };
        Near(0.055, floor.LearningRateAt(50));            // 0.1 · (0.9 · ½ + 0.1)
        Near(0.01, floor.LearningRateAt(100));
        Near(0.01, floor.LearningRateAt(5000));
    }

    [Fact]
    public void Cosine_decay_with_warmup_rises_linearly_to_the_target_then_decays_from_it()
    {
        var warm = new CosineDecay(0f, DecaySteps: 100, WarmupTarget: 0.1f, WarmupSteps: 10);
        Assert.Equal(0f, warm.LearningRateAt(0));
        Near(0.05, warm.LearningRateAt(5));
        Near(0.1, warm.LearningRateAt(10));
        Near(0.05, warm.LearningRateAt(60));
        Assert.Equal(0f, warm.LearningRateAt(110), 1e-9f);
        Assert.Equal(0f, warm.LearningRateAt(10_000), 1e-9f);
        // Warmup from a non-zero start.
        Near(0.0325, new CosineDecay(0.01f, 100, WarmupTarget: 0.1f, WarmupSteps: 4).LearningRateAt(1)); // 0.01 + 0.09/4
    }

    [Fact]
    public void An_optimizer_takes_its_rate_from_the_schedule_at_the_steps_taken_before_each_step()
    {
        // SGD on one parameter with gradient 1 moves it by −η each step. As in Keras, the schedule gets the
        // iteration count before the step: steps 0 and 1 (≤ boundary 1) take 0.5, step 2 takes 0.25.
        var state = new Sgd { LearningRateSchedule = new PiecewiseConstantDecay([1], [0.5f, 0.25f]) }.CreateState(1);
        float[] theta = [0f];
        Assert.Equal(0.5f, state.LearningRate);
        state.Step(theta, [1f]);
        state.Step(theta, [1f]);
        Assert.Equal(0.25f, state.LearningRate);
        state.Step(theta, [1f]);
        Assert.Equal(-1.25f, theta[0]);
        Assert.Equal(3, state.Iterations);
        // A schedule's rate cannot be set (Keras raises too).
        Assert.Throws<InvalidOperationException>(() => state.LearningRate = 0.1f);
    }

    [Fact]
    public void A_constant_rate_can_be_set_between_steps()
    {
        var state = new Sgd(0.5f).CreateState(1);
        float[] theta = [0f];
        state.Step(theta, [1f]);
        state.LearningRate = 0.125f;
        state.Step(theta, [1f]);
        Assert.Equal(-0.625f, theta[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.LearningRate = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.LearningRate = -1f);
    }

    [Fact]
    public void Adam_with_a_schedule_steps_as_Adam_with_that_rate()
    {
        // A schedule that gives 0.01 then 0.001: the same bits as two Adam states at those constant rates, step by step.
        var scheduled = new Adam { LearningRateSchedule = new PiecewiseConstantDecay([0], [0.01f, 0.001f]) }.CreateState(3);
        var fixedRate = new Adam(0.01f).CreateState(3);
        float[] a = [1f, -2f, 3f], b = [1f, -2f, 3f];
        float[] g1 = [0.5f, 0.25f, -1f], g2 = [-0.3f, 0.7f, 0.1f];
        scheduled.Step(a, g1);
        fixedRate.Step(b, g1);
        Assert.Equal(b, a);
        fixedRate.LearningRate = 0.001f;
        scheduled.Step(a, g2);
        fixedRate.Step(b, g2);
        Assert.Equal(b, a);
    }

    [Fact]
    public void A_schedule_out_of_range_is_refused_when_the_state_is_made_and_a_bad_rate_when_the_step_is_taken()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { LearningRateSchedule = new ExponentialDecay(0.1f, 0, 0.5f) }.CreateState(1));
        Assert.Equal("DecaySteps", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { LearningRateSchedule = new CosineDecay(0.1f, 10, Alpha: 2f) }.CreateState(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { LearningRateSchedule = new CosineDecay(-0.1f, 10) }.CreateState(1));

        var state = new Sgd { LearningRateSchedule = new Broken() }.CreateState(1);
        var bad = Assert.Throws<InvalidOperationException>(() => state.Step([0f], [1f]));
        Assert.Contains("gave NaN at step 0", bad.Message);
        Assert.Equal(0, state.Iterations);
    }

    private sealed record Broken : LearningRateSchedule
    {
        public override float LearningRateAt(long step) => float.NaN;
    }

    [Fact]
    public void Fit_continues_a_schedule_across_Fits_as_it_continues_the_optimizer()
    {
        var (x, y) = TrainingTests.Blobs(60, seed: 1);
        Optimizer Optimizer() => new Adam { LearningRateSchedule = new ExponentialDecay(0.05f, DecaySteps: 3, DecayRate: 0.5f) };
        var once = new ThreeClasses(seed: 1);
        once.Fit(x, y, new TrainOptions { Epochs = 6, BatchSize = 16, Optimizer = Optimizer() });
        var twice = new ThreeClasses(seed: 1);
        twice.Fit(x, y, new TrainOptions { Epochs = 3, BatchSize = 16, Optimizer = Optimizer() });
        twice.Fit(x, y, new TrainOptions { Epochs = 3, BatchSize = 16, Optimizer = Optimizer() });
        Assert.Equal(once.Parameters.ToArray(), twice.Parameters.ToArray());
    }
}
