package dev.lottery.nn.data;

/**
 * The content of an IDX label file (magic 0x00000801): one unsigned byte per example.
 * {@code sha256} is the digest of the whole (decompressed) file, header included, for checking pins.
 */
record IdxLabels(byte[] labels, String sha256) {
    /** The number of labels. */
    public int count() {
        return labels.length;
    }

    @Override
    public String toString() {
        return "IdxLabels[" + labels.length + ", sha256=" + sha256 + "]";
    }
}
