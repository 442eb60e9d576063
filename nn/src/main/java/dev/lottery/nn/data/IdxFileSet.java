package dev.lottery.nn.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The four IDX files of an MNIST-style data set, with their pinned contents, and folders where a system package
 * may already have installed them (read in place, never copied).
 *
 * @param trainImages the training images file ({@code train-images-idx3-ubyte})
 * @param trainLabels the training labels file ({@code train-labels-idx1-ubyte})
 * @param testImages  the test images file ({@code t10k-images-idx3-ubyte})
 * @param testLabels  the test labels file ({@code t10k-labels-idx1-ubyte})
 * @param systemDirs  folders, searched in order after the cache, where a system package may have installed the files
 *                    (uncompressed or gzipped); may be empty; copied
 */
public record IdxFileSet(PinnedFile trainImages, PinnedFile trainLabels, PinnedFile testImages, PinnedFile testLabels,
                         List<Path> systemDirs) {

    /** Copies the list of system folders. */
    public IdxFileSet {
        systemDirs = List.copyOf(systemDirs);
    }

    /** The SHA-256 values are of the uncompressed files and match the commonly published ones. */
    public static final IdxFileSet MNIST = new IdxFileSet(
            new PinnedFile("train-images-idx3-ubyte",
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
            new PinnedFile("train-labels-idx1-ubyte",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
            new PinnedFile("t10k-images-idx3-ubyte",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
            new PinnedFile("t10k-labels-idx1-ubyte",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
            List.of());

    /**
     * Uncompressed contents of the publisher's gzip files (whose MD5s zalandoresearch/fashion-mnist publishes);
     * Debian's dataset-fashion-mnist recompresses them but decompresses to the same bytes.
     */
    public static final IdxFileSet FASHION_MNIST = new IdxFileSet(
            new PinnedFile("train-images-idx3-ubyte",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
            new PinnedFile("train-labels-idx1-ubyte",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
            new PinnedFile("t10k-images-idx3-ubyte",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
            new PinnedFile("t10k-labels-idx1-ubyte",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
            List.of(Path.of("/usr/share/datasets/fashion-mnist")));

    /** {@return the four files, in this order: training images and labels, test images and labels} */
    public List<PinnedFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** {@return the four file names, comma separated, for messages: "train-images-idx3-ubyte, ..."} */
    public String fileNames() {
        return String.join(", ", files().stream().map(PinnedFile::name).toList());
    }
}
