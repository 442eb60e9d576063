package dev.lottery.experiment.slurm;

import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a compute node starts the lottery command line: a {@code java} executable, JVM options, and either the fat
 * jar ({@code -jar lottery-cli.jar}) or a class path (a development checkout, or tests that run before the jar is
 * packaged). The paths must exist on the nodes — on a shared file system, or installed at the same place.
 *
 * @param java       the {@code java} executable on the nodes
 * @param jvmOptions options before the jar or class path, {@link #REQUIRED_OPTIONS} among them; copied
 * @param jar        the fat jar, run with {@code java -jar}; null when {@code classpath} is given
 * @param classpath  used when {@code jar} is null: {@code -cp classpath dev.lottery.cli.LotteryCli}
 */
public record JavaLauncher(Path java, List<String> jvmOptions, Path jar, String classpath) {
    /**
     * The command line's main class, named rather than referenced: the experiment API must not load the command
     * line (its Picocli dependency is optional).
     */
    public static final String MAIN_CLASS = "dev.lottery.cli.LotteryCli";

    /** The flags every lottery JVM needs: FFM native access and the Vector API (the CPU backend's GEMM). */
    public static final List<String> REQUIRED_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector");

    /** Checks that exactly one of a jar and a class path is given. */
    public JavaLauncher {
        jvmOptions = List.copyOf(jvmOptions);
        if ((jar == null) == (classpath == null)) throw new IllegalArgumentException("exactly one of jar and classpath");
    }

    /**
     * The JVM running now and what it runs: its {@code java}, its heap and stack limits, its vector width
     * ({@code -XX:UseAVX}, on which convolutions' bits depend), its garbage collector and the jar it was started from
     * ({@code java -jar}) or else its class path.
     *
     * @return a launcher that starts a JVM like this one (same {@code java}, heap, stack, vector width and collector)
     *         on a node where the same paths exist
     */
    public static JavaLauncher current() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> options = new ArrayList<>(REQUIRED_OPTIONS);
        options.addAll(carried(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        Path jar = runningJar();
        return jar != null ? new JavaLauncher(java, options, jar, null)
                : new JavaLauncher(java, options, null, System.getProperty("java.class.path"));
    }

    /**
     * Of a JVM's options, those a cluster job's JVM takes over: heap and stack limits, {@code -Dlottery.*} settings,
     * the vector width and the choice of garbage collector ({@code -XX:+UseSerialGC}, which {@code lottery.sh} passes).
     */
    static List<String> carried(List<String> inputArguments) {
        List<String> carried = new ArrayList<>();
        for (String arg : inputArguments) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-Xss") || arg.startsWith("-Dlottery.") || arg.startsWith("-XX:UseAVX=")
                    || arg.matches("-XX:\\+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC")) {
                carried.add(arg);
            }
        }
        return carried;
    }

    private static Path runningJar() {
        try {
            var source = JavaLauncher.class.getProtectionDomain().getCodeSource();
            if (source == null) return null;
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p.toAbsolutePath() : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /**
     * The same launch with another {@code java} executable.
     *
     * @param j the {@code java} executable as the nodes see it
     * @return a new launcher; this one is unchanged
     */
    public JavaLauncher withJava(Path j) {
        return new JavaLauncher(j, jvmOptions, jar, classpath);
    }

    /**
     * The same launch from a jar (instead of a class path, or another jar).
     *
     * @param j the fat jar as the nodes see it
     * @return a new launcher that runs {@code java -jar j}; this one is unchanged
     */
    public JavaLauncher withJar(Path j) {
        return new JavaLauncher(java, jvmOptions, j, null);
    }

    /**
     * The same launch with other JVM options.
     *
     * @param o every JVM option, replacing the current ones (so {@link #REQUIRED_OPTIONS} must be among them)
     * @return a new launcher; this one is unchanged
     */
    public JavaLauncher withJvmOptions(List<String> o) {
        return new JavaLauncher(java, o, jar, classpath);
    }

    /**
     * The command that runs {@code lottery <args...>}.
     *
     * @param args the lottery command line's arguments, e.g. {@code experiment run-unit ...}
     * @return a new list, one word per element (not quoted for a shell): java, JVM options, jar or class path and
     *         main class, then {@code args}
     */
    public List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(MAIN_CLASS);
        }
        cmd.addAll(args);
        return cmd;
    }
}
