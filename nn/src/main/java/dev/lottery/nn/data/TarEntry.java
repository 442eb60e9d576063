package dev.lottery.nn.data;

/** One member of a tar archive: its path inside the archive, its length and whether it is a regular file. */
record TarEntry(String name, long size, boolean regularFile) {
    /** The last path component: archives put files under varying top folders ({@code package/}, {@code ./}). */
    String baseName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
