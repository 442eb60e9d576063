package dev.lottery.nn.train;

import dev.lottery.nn.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A piecewise-constant learning rate: {@code initial} until the first drop's iteration, then that drop's rate,
 * and so on (the resnet schedule is 0.1, then 0.01 from iteration 20,000 and 0.001 from 25,000).
 */
public record LearningRateSchedule(double initial, List<Drop> drops) {
    /** From iteration {@code at} on, the rate is {@code rate}. */
    public record Drop(long at, double rate) {}

    /** Checks that every rate is positive and the drops come at increasing positive iterations. */
    public LearningRateSchedule {
        drops = List.copyOf(drops);
        requirePositiveRate(initial);
        for (int i = 0; i < drops.size(); i++) {
            requirePositiveRate(drops.get(i).rate());
            if (drops.get(i).at() <= (i == 0 ? 0 : drops.get(i - 1).at())) {
                throw new UserError("learning-rate drops must be at positive iterations in increasing order");
            }
        }
    }

    private static void requirePositiveRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new UserError("learning rate must be a positive number, got " + lr);
    }

    /** The rate {@code lr} at every iteration. */
    public static LearningRateSchedule constant(double lr) {
        return new LearningRateSchedule(lr, List.of());
    }

    /** The rate at {@code iteration}. */
    public double at(long iteration) {
        double lr = initial;
        for (Drop d : drops) {
            if (iteration >= d.at()) lr = d.rate();
        }
        return lr;
    }

    /** Parses {@code 0.1} or {@code 0.1,20000:0.01,25000:0.001}. */
    public static LearningRateSchedule parse(String s) {
        String[] parts = s.split(",");
        try {
            double initial = Double.parseDouble(parts[0].trim());
            List<Drop> drops = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split(":");
                if (kv.length != 2) throw new NumberFormatException(parts[i]);
                drops.add(new Drop(Long.parseLong(kv[0].trim()), Double.parseDouble(kv[1].trim())));
            }
            return new LearningRateSchedule(initial, drops);
        } catch (NumberFormatException e) {
            throw new UserError("bad learning-rate schedule '" + s + "' (expected e.g. 0.1 or 0.1,20000:0.01,25000:0.001)");
        }
    }

    /** The schedule as {@link #parse} reads it: {@code 0.1} or {@code 0.1,20000:0.01}. */
    public String canonical() {
        return initial + drops.stream().map(d -> "," + d.at() + ":" + d.rate()).collect(Collectors.joining());
    }
}
