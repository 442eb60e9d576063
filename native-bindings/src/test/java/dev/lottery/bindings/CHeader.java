package dev.lottery.bindings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a C header reader to check bindings against real headers: conditional blocks with
 * {@code defined()}, name-to-name {@code #define}s (cuda.h's {@code cuMemAlloc -> cuMemAlloc_v2}, through the
 * identity macro {@code __CUDA_API_PTDS(api)}), typedefs, and function prototypes. Each parameter is reduced to
 * the kind the ABI cares about: pointer, 8/16/32/64-bit integer, float or double.
 *
 * <p>Independent of jextract and libclang on purpose, so the test is a second opinion on what they generated.
 */
final class CHeader {
    enum Kind { POINTER, INT8, INT16, INT32, INT64, FLOAT, DOUBLE, VOID, STRUCT }

    record Prototype(String symbol, String declaredAs, Kind returns, List<Kind> params, String text) {}

    private static final Map<String, Kind> BASE = new HashMap<>();
    static {
        for (String t : List.of("int", "signed int", "unsigned int", "unsigned", "signed", "int32_t", "uint32_t")) BASE.put(t, Kind.INT32);
        for (String t : List.of("long", "unsigned long", "long long", "unsigned long long", "long long int", "unsigned long long int",
                "size_t", "int64_t", "uint64_t")) BASE.put(t, Kind.INT64);
        for (String t : List.of("char", "signed char", "unsigned char", "int8_t", "uint8_t")) BASE.put(t, Kind.INT8);
        for (String t : List.of("short", "unsigned short", "int16_t", "uint16_t")) BASE.put(t, Kind.INT16);
        BASE.put("float", Kind.FLOAT);
        BASE.put("double", Kind.DOUBLE);
        BASE.put("void", Kind.VOID);
        // driver_types.h handles that the cuBLAS/cuDNN headers use without our reading that file
        BASE.put("cudaStream_t", Kind.POINTER);
        BASE.put("cudaEvent_t", Kind.POINTER);
    }
    private static final Pattern ATTRIBUTES = Pattern.compile(
            "\\b(CUDAAPI|CUDA_CB|__CUDA_DEPRECATED|CUBLASAPI|CUBLASWINAPI|CUDNNWINAPI|CUDNN_DEPRECATED_ENUM|CUDNN_DEPRECATED|NVRTC_DEPRECATED|__host__|__device__|extern)\\b"
            + "|__attribute__\\s*\\(\\(.*?\\)\\)|\"C\"\\s*\\{");

    private final Map<String, String> macros = new HashMap<>();
    private final Map<String, String> typedefs = new HashMap<>();
    /** symbol -> {declared name, return type text, parameter list text, whole statement}; resolved on demand. */
    private final Map<String, String[]> functions = new LinkedHashMap<>();
    /** Unversioned name -> symbol, for every name-to-name define that is in force. */
    final Map<String, String> renames = new HashMap<>();

    static CHeader read(List<Path> files) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) sb.append(Files.readString(f, StandardCharsets.ISO_8859_1)).append('\n');
        return new CHeader(sb.toString());
    }

    CHeader(String text) {
        macros.put("__LP64__", "1");
        macros.put("__GNUC__", "13");
        macros.put("__STDC_VERSION__", "201112");
        String active = preprocess(text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", "").replace("\\\n", " "));
        active = ATTRIBUTES.matcher(active).replaceAll(" ");
        for (String statement : topLevelStatements(active)) parse(statement.replaceAll("\\s+", " ").trim());
    }

    private String preprocess(String text) {
        StringBuilder out = new StringBuilder();
        Deque<boolean[]> stack = new ArrayDeque<>(); // {active, taken, parentActive}
        for (String line : text.split("\n")) {
            String s = line.strip();
            boolean active = stack.stream().allMatch(e -> e[0]);
            if (!s.startsWith("#")) {
                if (active) out.append(line).append('\n');
                continue;
            }
            String d = s.substring(1).strip();
            String kw = d.replaceAll("^(\\w*).*", "$1");
            String rest = d.substring(kw.length()).strip();
            switch (kw) {
                case "if", "ifdef", "ifndef" -> {
                    String first = rest.isEmpty() ? "" : rest.split("\\s+")[0];
                    boolean c = kw.equals("ifdef") ? macros.containsKey(first)
                            : kw.equals("ifndef") ? !macros.containsKey(first) : condition(rest);
                    stack.push(new boolean[] {active && c, c, active});
                }
                case "elif" -> {
                    boolean[] e = stack.peek();
                    boolean c = !e[1] && condition(rest);
                    e[0] = e[2] && c;
                    e[1] |= c;
                }
                case "else" -> {
                    boolean[] e = stack.peek();
                    e[0] = e[2] && !e[1];
                    e[1] = true;
                }
                case "endif" -> stack.pop();
                case "define" -> {
                    if (!active) break;
                    Matcher m = Pattern.compile("(\\w+)(\\([^)]*\\))?\\s*(.*)").matcher(rest);
                    if (m.matches()) macros.put(m.group(1), m.group(2) != null ? "FN" + m.group(2) + m.group(3).strip() : m.group(3).strip());
                }
                case "undef" -> { if (active) macros.remove(rest.split("\\s+")[0]); }
                default -> { }
            }
        }
        return out.toString();
    }

    /** Only the forms these headers use: defined(X), !, &&, || and parentheses; anything else counts as false. */
    private boolean condition(String expr) {
        String e = expr.replaceAll("defined\\s*\\(\\s*(\\w+)\\s*\\)", "defined $1");
        Matcher m = Pattern.compile("defined (\\w+)").matcher(e);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, macros.containsKey(m.group(1)) ? "T" : "F");
        m.appendTail(sb);
        String s = sb.toString().replaceAll("\\s+", "");
        if (!s.matches("[TF!&|()]*")) return false;
        return new Object() {
            int i;
            boolean or() { boolean v = and(); while (s.startsWith("||", i)) { i += 2; v = and() | v; } return v; }
            boolean and() { boolean v = not(); while (s.startsWith("&&", i)) { i += 2; v = not() & v; } return v; }
            boolean not() {
                if (i < s.length() && s.charAt(i) == '!') { i++; return !not(); }
                if (i < s.length() && s.charAt(i) == '(') { i++; boolean v = or(); i++; return v; }
                return i < s.length() && s.charAt(i++) == 'T';
            }
        }.or();
    }

    private static List<String> topLevelStatements(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '{') depth++;
            if (c == '}') depth--;
            if (c == ';' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        return out;
    }

    private static final Pattern AGGREGATE = Pattern.compile("(typedef )?(enum|struct|union) ?\\w* ?\\{.*\\} ?([\\w ,*]*)");
    private static final Pattern PROTOTYPE = Pattern.compile("([\\w *]*?[ *])(\\w+) ?\\(([^()]*)\\)");

    private void parse(String st) {
        while (st.startsWith("}")) st = st.substring(1).strip();
        Matcher agg = AGGREGATE.matcher(st);
        if (agg.matches()) {
            if (agg.group(1) != null) {
                for (String n : agg.group(3).split(",")) {
                    n = n.strip();
                    if (n.isEmpty()) continue;
                    if (n.startsWith("*")) typedefs.put(n.replace("*", "").strip(), "*");
                    else typedefs.put(n, agg.group(2).equals("enum") ? "int" : agg.group(2));
                }
            }
            return;
        }
        if (st.startsWith("typedef ")) {
            String body = st.substring(8).strip();
            Matcher fp = Pattern.compile(".*\\( ?\\w* ?\\* ?(\\w+) ?\\) ?\\(.*\\)").matcher(body);
            if (fp.matches()) { typedefs.put(fp.group(1), "*"); return; }
            Matcher m = Pattern.compile("(.*?)(\\**) ?(\\w+)").matcher(body);
            if (m.matches()) {
                String base = m.group(1).replaceAll("\\b(const|volatile)\\b", "").strip().replaceAll("\\s+", " ");
                typedefs.put(m.group(3), base.contains("*") || !m.group(2).isEmpty() ? "*"
                        : base.startsWith("enum ") ? "int" : base.startsWith("struct ") ? "struct" : base);
            }
            return;
        }
        Matcher p = PROTOTYPE.matcher(st);
        if (p.matches() && !p.group(1).strip().startsWith("typedef") && !p.group(1).strip().startsWith("return")) {
            String declared = p.group(2);
            String symbol = rename(declared);
            if (!symbol.equals(declared)) renames.put(declared, symbol);
            functions.putIfAbsent(symbol, new String[] {declared, p.group(1), p.group(3).strip(), st});
        }
    }

    /** The prototype declared for {@code symbol} (after renames), or null; types are resolved only here. */
    Prototype prototype(String symbol) {
        String[] raw = functions.get(symbol);
        if (raw == null) return null;
        List<Kind> kinds = new ArrayList<>();
        if (!raw[2].isEmpty() && !raw[2].equals("void")) {
            for (String param : raw[2].split(",")) kinds.add(kindOf(param, true));
        }
        return new Prototype(symbol, raw[0], kindOf(raw[1], false), kinds, raw[3]);
    }

    boolean declares(String symbol) {
        return functions.containsKey(symbol);
    }

    private String rename(String name) {
        for (int guard = 0; guard < 8 && macros.containsKey(name); guard++) {
            String body = macros.get(name);
            Matcher call = Pattern.compile("(\\w+)\\s*\\(\\s*(\\w+)\\s*\\)").matcher(body);
            if (call.matches() && macros.getOrDefault(call.group(1), "").matches("FN\\(\\s*(\\w+)\\s*\\)\\s*\\1")) {
                name = call.group(2);
            } else if (body.matches("[A-Za-z_]\\w*")) {
                name = body;
            } else {
                break;
            }
        }
        return name;
    }

    /** A parameter ({@code const int dimA[]}, {@code unsigned int Flags}) or a return type. */
    Kind kindOf(String decl, boolean mayHaveName) {
        decl = decl.strip();
        if (decl.contains("*") || decl.contains("[")) return Kind.POINTER;
        List<String> words = new ArrayList<>(List.of(decl.replaceAll("\\b(const|volatile|struct|enum)\\b", " ").strip().split("\\s+")));
        if (mayHaveName && words.size() > 1) {
            Kind k = resolve(String.join(" ", words.subList(0, words.size() - 1)));
            if (k != null) return k;
        }
        Kind k = resolve(String.join(" ", words));
        if (k == null) throw new IllegalArgumentException("unknown C type in '" + decl + "'");
        return k;
    }

    private Kind resolve(String type) {
        for (int guard = 0; guard < 16; guard++) {
            if (BASE.containsKey(type)) return BASE.get(type);
            String t = typedefs.get(type);
            if (t == null) return null;
            if (t.equals("*")) return Kind.POINTER;
            if (t.equals("struct") || t.equals("union")) return Kind.STRUCT;
            type = t;
        }
        return null;
    }
}
