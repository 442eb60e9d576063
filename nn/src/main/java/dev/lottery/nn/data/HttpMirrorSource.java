package dev.lottery.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Downloads gzipped IDX files ({@code <base><name>.gz}) from public mirrors, trying each mirror in turn per file.
 * The content is verified against the pin after gunzip, so a plain-HTTP mirror is no weaker than an HTTPS one.
 */
record HttpMirrorSource(List<URI> bases) implements FileSource {

    HttpMirrorSource {
        bases = List.copyOf(bases);
    }

    static HttpMirrorSource mnist() {
        return new HttpMirrorSource(List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/")));
    }

    static HttpMirrorSource fashionMnist() {
        return new HttpMirrorSource(List.of(
                URI.create("https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"),
                URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")));
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public String remedy() {
        return "allow HTTPS access to " + bases.getFirst().getHost();
    }

    @Override
    public String describe() {
        return "download from " + bases.getFirst();
    }

    @Override
    public void fetch(List<PinnedFile> wanted, Path targetDir, Consumer<String> log) throws IOException {
        for (PinnedFile pin : wanted) {
            List<String> failures = new ArrayList<>();
            boolean done = false;
            for (URI base : bases) {
                URI uri = base.resolve(pin.name() + ".gz");
                log.accept("downloading " + uri);
                try (InputStream in = HttpDownload.open(uri)) {
                    FileInstaller.install(in, targetDir, pin);
                    done = true;
                    break;
                } catch (IOException e) {
                    failures.add(uri.getHost() + ": " + FileSource.oneLine(e));
                }
            }
            if (!done) throw new IOException(pin.name() + ".gz: " + String.join("; ", failures));
        }
    }
}
