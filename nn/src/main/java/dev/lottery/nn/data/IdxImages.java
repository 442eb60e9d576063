package dev.lottery.nn.data;

/**
 * The content of an IDX image file (magic 0x00000803): {@code count} images of {@code rows x cols} unsigned bytes,
 * row-major. {@code sha256} is the digest of the whole (decompressed) file, header included, for checking pins.
 */
record IdxImages(int count, int rows, int cols, byte[] pixels, String sha256) {
    /** Checks that the pixels fill exactly {@code count} images. */
    public IdxImages {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixels for " + count + "x" + rows + "x" + cols);
        }
    }

    @Override
    public String toString() {
        return "IdxImages[" + count + "x" + rows + "x" + cols + ", sha256=" + sha256 + "]";
    }
}
