package dev.lottery.nn.io;

/** The .npy element types this project writes and reads: float32 weights, byte arrays and boolean masks. */
public enum NpyDtype {
    /** {@code <f4}: little-endian float32. */
    FLOAT32("<f4", 4),
    /** {@code |u1}: unsigned bytes. */
    UINT8("|u1", 1),
    /** {@code |b1}: booleans, one byte each. */
    BOOL("|b1", 1);

    private final String descr;
    private final int itemSize;

    NpyDtype(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /** {@return numpy's type string as written in headers, e.g. {@code <f4} (little-endian float32)} */
    public String descr() {
        return descr;
    }

    /** {@return the bytes per element: 4 for float32, 1 otherwise} */
    public int itemSize() {
        return itemSize;
    }

    /** The dtype with this descr, or null. {@code <u1}/{@code <b1} are accepted: byte order means nothing for one byte. */
    static NpyDtype fromDescr(String descr) {
        String d = descr.length() == 3 && descr.endsWith("1") && (descr.charAt(0) == '<' || descr.charAt(0) == '=')
                ? "|" + descr.substring(1) : descr;
        for (NpyDtype t : values()) {
            if (t.descr.equals(d)) return t;
        }
        return null;
    }
}
