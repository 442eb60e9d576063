package dev.lottery.experiment;

import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content of a data split as {@code sha256:<hex>}: for the training, validation (when held out) and test sets in
 * that order, the set's shape ({@code count channels height width classes}), its labels and its images' float32 bits
 * (little-endian). Names do not enter it, so the same examples under another name have the same fingerprint, and
 * changing one label or one pixel changes it.
 */
public final class DataFingerprint {
    private static final int CHUNK = 1 << 16;

    private DataFingerprint() {}

    /**
     * The fingerprint of a split's content.
     *
     * @param split the training, validation (may be null) and test sets; read, not changed
     * @return {@code sha256:} and 64 lower-case hex digits
     */
    public static String of(DataSplit split) {
        MessageDigest sha = sha256();
        add(sha, "train", split.train());
        if (split.validation() != null) add(sha, "validation", split.validation());
        add(sha, "test", split.test());
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static void add(MessageDigest sha, String role, Dataset d) {
        sha.update((role + " " + d.count() + " " + d.channels() + " " + d.height() + " " + d.width() + " " + d.classes() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        sha.update(d.labels());
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        float[] images = d.images();
        for (int from = 0; from < images.length; from += CHUNK) {
            int n = Math.min(CHUNK, images.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(images, from, n);
            sha.update(bytes.array(), 0, n * Float.BYTES);
        }
    }

    /** A new SHA-256 digest (also the experiment hash's). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
