package dev.lottery.gpu;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes copied between host and device, by direction and purpose, so callers can prove that weights
 * never cross during training: take a {@link #snapshot()} before and after, and compare with
 * {@link Snapshot#minus}. Every copy through {@link DeviceBuffer} is counted; device-to-device copies are not.
 * Thread-safe.
 */
public final class TransferCounters {
    private final Map<TransferDirection, Map<TransferPurpose, LongAdder>> bytes = new EnumMap<>(TransferDirection.class);
    private final Map<TransferDirection, Map<TransferPurpose, LongAdder>> copies = new EnumMap<>(TransferDirection.class);

    /** Counters at zero. */
    public TransferCounters() {
        for (TransferDirection d : TransferDirection.values()) {
            bytes.put(d, new EnumMap<>(TransferPurpose.class));
            copies.put(d, new EnumMap<>(TransferPurpose.class));
            for (TransferPurpose p : TransferPurpose.values()) {
                bytes.get(d).put(p, new LongAdder());
                copies.get(d).put(p, new LongAdder());
            }
        }
    }

    /**
     * Counts one copy of {@code byteCount} bytes. {@link DeviceBuffer} calls this for its copies; call it yourself
     * for copies made through the bindings.
     *
     * @param direction which way the bytes went
     * @param purpose what they were for
     * @param byteCount the bytes copied, at least 0
     * @throws IllegalArgumentException if {@code byteCount} is negative
     */
    public void record(TransferDirection direction, TransferPurpose purpose, long byteCount) {
        if (byteCount < 0) throw new IllegalArgumentException("negative byte count " + byteCount);
        bytes.get(direction).get(purpose).add(byteCount);
        copies.get(direction).get(purpose).increment();
    }

    /**
     * Bytes copied so far in {@code direction} for {@code purpose}.
     *
     * @param direction which way
     * @param purpose what for
     * @return the sum since construction; with copies still being recorded, a value from during the call
     */
    public long bytes(TransferDirection direction, TransferPurpose purpose) {
        return bytes.get(direction).get(purpose).sum();
    }

    /**
     * Copies made so far in {@code direction} for {@code purpose}.
     *
     * @param direction which way
     * @param purpose what for
     * @return the number of copies since construction, empty ones included
     */
    public long copies(TransferDirection direction, TransferPurpose purpose) {
        return copies.get(direction).get(purpose).sum();
    }

    /**
     * The counts now, as a value. Copies recorded by other threads during the call may be in it or not, per
     * counter: take snapshots when the copies of interest are done.
     *
     * @return a new snapshot that later copies do not change
     */
    public Snapshot snapshot() {
        long[][] b = new long[2][TransferPurpose.values().length];
        long[][] c = new long[2][TransferPurpose.values().length];
        for (TransferDirection d : TransferDirection.values()) {
            for (TransferPurpose p : TransferPurpose.values()) {
                b[d.ordinal()][p.ordinal()] = bytes(d, p);
                c[d.ordinal()][p.ordinal()] = copies(d, p);
            }
        }
        return new Snapshot(b, c);
    }

    /**
     * Counter values at one moment.
     *
     * @param bytes bytes copied, indexed {@code [direction.ordinal()][purpose.ordinal()]}; shared, not copied, so
     *     use the accessor methods rather than writing into it
     * @param copies copies made, indexed like {@code bytes}
     */
    public record Snapshot(long[][] bytes, long[][] copies) {
        /**
         * Bytes copied in {@code d} for {@code p}.
         *
         * @param d which way
         * @param p what for
         * @return the bytes; negative only in a difference of snapshots taken out of order
         */
        public long bytes(TransferDirection d, TransferPurpose p) { return bytes[d.ordinal()][p.ordinal()]; }

        /**
         * Copies made in {@code d} for {@code p}.
         *
         * @param d which way
         * @param p what for
         * @return the number of copies
         */
        public long copies(TransferDirection d, TransferPurpose p) { return copies[d.ordinal()][p.ordinal()]; }

        /**
         * What happened between {@code earlier} and this snapshot.
         *
         * @param earlier a snapshot of the same counters taken before this one
         * @return the differences, counter by counter, as a new snapshot
         */
        public Snapshot minus(Snapshot earlier) {
            long[][] b = new long[2][TransferPurpose.values().length];
            long[][] c = new long[2][TransferPurpose.values().length];
            for (int d = 0; d < 2; d++) {
                for (int p = 0; p < b[d].length; p++) {
                    b[d][p] = bytes[d][p] - earlier.bytes[d][p];
                    c[d][p] = copies[d][p] - earlier.copies[d][p];
                }
            }
            return new Snapshot(b, c);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (TransferDirection d : TransferDirection.values()) {
                for (TransferPurpose p : TransferPurpose.values()) {
                    if (copies(d, p) > 0) sb.append(sb.isEmpty() ? "" : ", ").append(d).append('/').append(p).append('=').append(bytes(d, p)).append("B");
                }
            }
            return sb.isEmpty() ? "no transfers" : sb.toString();
        }
    }
}
