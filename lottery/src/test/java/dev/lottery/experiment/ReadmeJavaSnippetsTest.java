package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README is a complete program: each is compiled as it stands against the modules
 * and run (its {@code main} gets a scratch folder), so the README's code cannot fall behind the API.
 */
class ReadmeJavaSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    @TempDir
    Path tmp;

    @Test
    void everyJavaSnippetInTheReadmeCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String> snippets = new ArrayList<>();
        for (Matcher m = JAVA_BLOCK.matcher(readme); m.find(); ) snippets.add(m.group(1));
        assertFalse(snippets.isEmpty(), "the README has no java snippets");
        for (int i = 0; i < snippets.size(); i++) {
            String source = snippets.get(i);
            Matcher name = CLASS_NAME.matcher(source);
            assertTrue(name.find(), "README java snippet " + (i + 1) + " is not a complete program (public class ...)");
            // A snippet that throws fails the test (through the InvocationTargetException).
            compileAndRun(name.group(1), source, tmp.resolve("snippet-" + (i + 1)));
        }
    }

    /** Compiles {@code source} as {@code className}.java on the test class path and runs its main, echoing what it prints. */
    private static void compileAndRun(String className, String source, Path dir) throws Exception {
        Path src = dir.resolve("src"), classes = dir.resolve("classes"), work = dir.resolve("work");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Files.createDirectories(work);
        Path file = Files.writeString(src.resolve(className + ".java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(), "-cp", testClassPath(), "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file)).call();
            assertTrue(ok, "README snippet " + className + " does not compile: " + diagnostics.getDiagnostics());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeJavaSnippetsTest.class.getClassLoader())) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {work.toString()});
        } finally {
            System.setOut(stdout);
        }
        stdout.print(out.toString(StandardCharsets.UTF_8));
    }

    /** The class path the tests run on (surefire names it apart from java.class.path when it starts from a manifest jar). */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
