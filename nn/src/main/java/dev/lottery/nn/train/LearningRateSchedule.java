package dev.lottery.nn.train;

import dev.lottery.nn.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A piecewise-constant learning rate: {@code initial} until the first drop's iteration, then that drop's rate,
 * and so on (the resnet schedule is 0.1, then 0.01 from iteration 20,000 and 0.001 from 25,000).
 *
 * @param initial the rate from iteration 0, positive and finite
 * @param drops   the later rates, at strictly increasing iterations above 0; may be empty (a constant rate); copied
 */
public record LearningRateSchedule(double initial, List<Drop> drops) {
    /**
     * From iteration {@code at} on, the rate is {@code rate}.
     *
     * @param at   the first iteration (counted from 0) that uses {@code rate}
     * @param rate the learning rate from then on, positive and finite (checked by the schedule)
     */
    public record Drop(long at, double rate) {}

    /**
     * Checks that every rate is positive and the drops come at increasing positive iterations.
     *
     * @throws UserError if a rate is not a positive finite number or the drops are out of order
     */
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

    /**
     * The rate {@code lr} at every iteration.
     *
     * @param lr the learning rate, positive and finite
     * @return a schedule without drops
     * @throws UserError if {@code lr} is not a positive finite number
     */
    public static LearningRateSchedule constant(double lr) {
        return new LearningRateSchedule(lr, List.of());
    }

    /**
     * The rate at {@code iteration}.
     *
     * @param iteration the training step, counted from 0
     * @return the rate of the last drop at or before {@code iteration}, or {@link #initial()} before the first drop
     */
    public double at(long iteration) {
        double lr = initial;
        for (Drop d : drops) {
            if (iteration >= d.at()) lr = d.rate();
        }
        return lr;
    }

    /**
     * Parses {@code 0.1} or {@code 0.1,20000:0.01,25000:0.001}.
     *
     * @param s the initial rate, then comma-separated {@code iteration:rate} drops; blanks around numbers are allowed
     * @return the schedule
     * @throws UserError if {@code s} is not in that form or the schedule is not valid
     */
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

    /**
     * The schedule as {@link #parse} reads it: {@code 0.1} or {@code 0.1,20000:0.01}.
     *
     * @return the text that experiment hashes use; parsing it gives an equal schedule
     */
    public String canonical() {
        return initial + drops.stream().map(d -> "," + d.at() + ":" + d.rate()).collect(Collectors.joining());
    }
}
