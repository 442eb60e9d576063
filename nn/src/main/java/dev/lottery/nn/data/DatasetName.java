package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The data sets this project knows how to fetch and read, with their command-line names. */
public enum DatasetName {
    /** Handwritten digits: 60,000 training and 10,000 test images, 1x28x28, 10 classes. */
    MNIST("mnist", "MNIST"),
    /** Zalando's clothing images in MNIST's format: 60,000 and 10,000, 1x28x28, 10 classes. */
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST"),
    /** Small colour images: 50,000 training and 10,000 test, 3x32x32, 10 classes. */
    CIFAR10("cifar10", "CIFAR-10");

    private final String cliName;
    private final String displayName;

    DatasetName(String cliName, String displayName) {
        this.cliName = cliName;
        this.displayName = displayName;
    }

    /** {@return the name users type, e.g. {@code fashion-mnist}; also the data set's folder in the cache} */
    public String cliName() {
        return cliName;
    }

    /** {@return the name people write, e.g. {@code Fashion-MNIST}, for reports and plots} */
    public String displayName() {
        return displayName;
    }

    /**
     * Parses a user-typed name (case-insensitive; {@code _} accepted for {@code -}).
     *
     * @param text the name as typed; surrounding blanks are ignored; null is treated as empty
     * @return the data set it names
     * @throws UserError if it names no known data set; the message lists the known ones
     */
    public static DatasetName parse(String text) {
        String key = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DatasetName n : values()) {
            if (n.cliName.equals(key)) return n;
        }
        throw new UserError("unknown data set '" + text + "': known data sets are " + knownNames());
    }

    /** {@return the command-line names, comma separated, for messages} */
    public static String knownNames() {
        return Arrays.stream(values()).map(DatasetName::cliName).collect(Collectors.joining(", "));
    }
}
