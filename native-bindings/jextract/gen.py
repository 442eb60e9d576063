#!/usr/bin/env python3
"""Small stand-in for jextract: reads C headers and writes jextract-shaped FFM bindings.

jextract cannot be installed where this project is built, so this script produces the same shape
(one class per header, a static method per C function named as the C symbol, `$descriptor()`,
`$handle()`, `$address()` accessors, constants as static methods, one class per struct with its
`layout()`), limited to what the include-list names. With jextract at hand, the recipe in
native-bindings/README.md regenerates the real thing from the same include-lists; diff the two.

Usage: gen.py <binding-name> <includes-file> <out-dir> <header> [<header> ...]
The headers are read in order as one translation unit (#include lines are ignored). The C
preprocessor is imitated only as far as these headers need: #if/#ifdef/#elif/#else with
defined(), object-like #defines of numbers and of names (cuda.h maps cuMemAlloc to cuMemAlloc_v2
that way) and identity function-like macros (__CUDA_API_PTDS(api) api).
"""
import re, sys, os

DEFINED = {'__LP64__': '1', '__GNUC__': '13', '__linux__': '1', '__STDC_VERSION__': '201112', '__STDC__': '1'}
ATTRIBUTE_MACROS = ['CUDAAPI', 'CUDA_CB', '__CUDA_DEPRECATED', 'CUBLASAPI', 'CUBLASWINAPI', 'CUDNNWINAPI',
                    'CUDNN_DEPRECATED_ENUM', 'CUDNN_DEPRECATED', 'NVRTC_DEPRECATED', '__host__', '__device__',
                    '__stdcall', 'CUDARTAPI']
BASE = {'int': 'int', 'signed int': 'int', 'unsigned int': 'int', 'unsigned': 'int', 'signed': 'int',
        'long': 'long', 'long int': 'long', 'unsigned long': 'long', 'unsigned long int': 'long',
        'long long': 'long', 'long long int': 'long', 'unsigned long long': 'long',
        'unsigned long long int': 'long', 'size_t': 'long', 'char': 'byte', 'signed char': 'byte',
        'unsigned char': 'byte', 'short': 'short', 'unsigned short': 'short', 'float': 'float',
        'double': 'double', 'void': 'void', 'int8_t': 'byte', 'uint8_t': 'byte', 'int16_t': 'short',
        'uint16_t': 'short', 'int32_t': 'int', 'uint32_t': 'int', 'int64_t': 'long', 'uint64_t': 'long',
        # from driver_types.h, which the cuBLAS/cuDNN headers include but we do not read
        'cudaStream_t': 'ptr', 'cudaEvent_t': 'ptr'}
SIZE = {'byte': 1, 'short': 2, 'int': 4, 'float': 4, 'long': 8, 'double': 8, 'ptr': 8}
JAVA = {'int': 'int', 'long': 'long', 'float': 'float', 'double': 'double', 'ptr': 'MemorySegment',
        'byte': 'byte', 'short': 'short', 'void': 'void'}
LAYOUT = {'int': 'C_INT', 'long': 'C_LONG_LONG', 'float': 'C_FLOAT', 'double': 'C_DOUBLE', 'ptr': 'C_POINTER',
          'byte': 'C_CHAR', 'short': 'C_SHORT'}
JAVA_KEYWORDS = {'abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const',
                 'continue', 'default', 'do', 'double', 'else', 'enum', 'extends', 'final', 'finally', 'float',
                 'for', 'goto', 'if', 'implements', 'import', 'instanceof', 'int', 'interface', 'long', 'native',
                 'new', 'package', 'private', 'protected', 'public', 'return', 'short', 'static', 'strictfp',
                 'super', 'switch', 'synchronized', 'this', 'throw', 'throws', 'transient', 'try', 'void',
                 'volatile', 'while', 'var', 'record', 'yield'}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return text.replace('\\\n', ' ')


def eval_condition(expr, macros):
    expr = re.sub(r'defined\s*\(\s*(\w+)\s*\)', lambda m: '1' if m.group(1) in macros else '0', expr)
    expr = re.sub(r'defined\s+(\w+)', lambda m: '1' if m.group(1) in macros else '0', expr)

    def ident(m):
        v = macros.get(m.group(0))
        return v if v is not None and re.fullmatch(r'\s*\(?-?\d+\)?\s*', v or '') else '0'
    expr = re.sub(r'\b[A-Za-z_]\w*\b', ident, expr)
    expr = re.sub(r'(\d+)[uUlL]+', r'\1', expr)
    expr = expr.replace('&&', ' and ').replace('||', ' or ')
    expr = re.sub(r'!(?!=)', ' not ', expr)
    try:
        return bool(eval(expr, {}, {}))
    except Exception:
        return False


def preprocess(text):
    """Returns (active source text, macros) with inactive conditional branches removed."""
    macros = dict(DEFINED)
    out, stack = [], []  # stack entries: [this_branch_active, some_branch_taken, parent_active]
    for line in strip_comments(text).split('\n'):
        s = line.strip()
        active = all(e[0] for e in stack)
        if not s.startswith('#'):
            if active:
                out.append(line)
            continue
        d = s[1:].strip()
        kw = re.match(r'\w*', d).group(0)
        rest = d[len(kw):].strip()
        if kw in ('if', 'ifdef', 'ifndef'):
            cond = (rest.split()[0] in macros if kw == 'ifdef' else
                    rest.split()[0] not in macros if kw == 'ifndef' else eval_condition(rest, macros))
            stack.append([active and cond, cond, active])
        elif kw == 'elif':
            e = stack[-1]
            cond = (not e[1]) and eval_condition(rest, macros)
            e[0] = e[2] and cond
            e[1] = e[1] or cond
        elif kw == 'else':
            e = stack[-1]
            e[0] = e[2] and not e[1]
            e[1] = True
        elif kw == 'endif':
            stack.pop()
        elif kw == 'define' and active:
            m = re.match(r'(\w+)(\([^)]*\))?\s*(.*)', rest)
            name, params, body = m.group(1), m.group(2), m.group(3).strip()
            macros[name] = ('FN' + params + body) if params else body
        elif kw == 'undef' and active:
            macros.pop(rest.split()[0], None)
    return '\n'.join(out), macros


def expand_name(name, macros):
    """cuMemAlloc -> cuMemAlloc_v2; cuMemcpyHtoD -> __CUDA_API_PTDS(cuMemcpyHtoD_v2) -> cuMemcpyHtoD_v2."""
    seen = set()
    while name in macros and name not in seen:
        seen.add(name)
        body = macros[name]
        m = re.fullmatch(r'(\w+)\s*\(\s*(\w+)\s*\)', body or '')
        if m and macros.get(m.group(1), '').startswith('FN'):
            fn = macros[m.group(1)]
            pm = re.fullmatch(r'FN\(\s*(\w+)\s*\)\s*(.*)', fn)
            if pm and pm.group(2).strip() == pm.group(1):
                name = m.group(2)
                continue
            return name
        if re.fullmatch(r'[A-Za-z_]\w*', body or ''):
            name = body
            continue
        return name
    return name


def top_level_statements(text):
    depth, cur, out = 0, [], []
    for ch in text:
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
        if ch == ';' and depth == 0:
            out.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    return out


class Unit:
    def __init__(self, text):
        src, self.macros = preprocess(text)
        for a in ATTRIBUTE_MACROS:
            src = re.sub(r'\b' + a + r'\b', ' ', src)
        src = re.sub(r'__attribute__\s*\(\(.*?\)\)', ' ', src)
        src = re.sub(r'extern\s+"C"\s*\{', ' ', src)
        self.typedefs, self.structs, self.enums, self.functions = {}, {}, {}, {}
        for st in top_level_statements(src):
            st = ' '.join(st.split())
            self.statement(st)

    def statement(self, st):
        st = st.lstrip('} ').strip()
        m = re.match(r'(typedef\s+)?(enum|struct|union)\s*(\w*)\s*\{(.*)\}\s*([\w\s,\*]*)$', st, re.S)
        if m:
            kind, tag, body, names = m.group(2), m.group(3), m.group(4), m.group(5)
            if kind == 'enum':
                self.enum_body(body)
            elif kind == 'struct' and tag:
                self.structs[tag] = body
            for n in [x.strip() for x in names.split(',') if x.strip()] if m.group(1) else []:
                if n.startswith('*'):
                    self.typedefs[n.lstrip('* ')] = 'ptr'
                else:
                    self.typedefs[n] = 'int' if kind == 'enum' else ('struct:' + tag if kind == 'struct' else 'union')
            return
        if st.startswith('typedef'):
            body = st[len('typedef'):].strip()
            fp = re.match(r'.*\(\s*\w*\s*\*\s*(\w+)\s*\)\s*\(.*\)$', body)
            if fp:
                self.typedefs[fp.group(1)] = 'ptr'
                return
            m = re.match(r'(.*?)(\**)\s*(\w+)$', body)
            if m:
                base, stars, name = m.group(1).strip(), m.group(2), m.group(3)
                if '*' in base or stars:
                    self.typedefs[name] = 'ptr'
                else:
                    base = re.sub(r'\b(const|volatile)\b', '', base).strip()
                    if base.startswith('enum '):
                        self.typedefs[name] = 'int'
                    elif base.startswith('struct '):
                        self.typedefs[name] = 'struct:' + base.split()[1]
                    else:
                        self.typedefs[name] = ' '.join(base.split())
            return
        m = re.match(r'^(?:extern\s+)?([\w\s\*]*?[\s\*])(\w+)\s*\(([^()]*)\)$', st, re.S)
        if m and not m.group(1).strip().startswith(('return', 'typedef')):
            name = expand_name(m.group(2), self.macros)
            if name not in self.functions:
                self.functions[name] = (m.group(1).strip(), m.group(3).strip())

    def enum_body(self, body):
        value = -1
        for entry in [e.strip() for e in body.split(',') if e.strip()]:
            if '=' in entry:
                n, expr = [x.strip() for x in entry.split('=', 1)]
                value = self.eval_int(expr)
            else:
                n = entry
                value = value + 1
            self.enums[n] = value

    def eval_int(self, expr):
        expr = re.sub(r'(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b', r'\1', expr)
        expr = re.sub(r'\(\s*(int|unsigned int|unsigned|long)\s*\)', '', expr)
        env = dict(self.enums)
        for k, v in self.macros.items():
            m = re.fullmatch(r'\(?(-?(?:0[xX][0-9a-fA-F]+|\d+))[uUlL]*\)?', (v or '').strip())
            if m:
                env[k] = int(m.group(1), 0)
        return int(eval(expr, {}, env))

    def resolve(self, typ):
        typ = ' '.join(re.sub(r'\b(const|volatile|struct|enum|register)\b', ' ', typ).split())
        seen = set()
        while typ not in BASE and typ in self.typedefs and typ not in seen:
            seen.add(typ)
            typ = self.typedefs[typ]
            if typ in ('ptr', 'int') or typ.startswith('struct:'):
                return typ
        if typ in BASE:
            return BASE[typ]
        if typ in self.structs:
            return 'struct:' + typ
        raise ValueError('unknown C type: ' + typ)

    def declaration(self, decl):
        """'const char * const *headers' -> ('ptr', 'headers'); 'unsigned int' -> ('int', None)."""
        decl = decl.strip()
        arr = re.search(r'\[\s*([^\]]*)\s*\]\s*$', decl)
        if '*' in decl or (arr and not arr.group(1)):
            name = re.search(r'(\w+)\s*(\[[^\]]*\])?\s*$', decl.split('*')[-1] if '*' in decl else decl)
            nm = name.group(1) if name else None
            if nm and nm in ('const', 'void', 'char'):
                nm = None
            return 'ptr', nm
        words = re.sub(r'\b(const|volatile|register)\b', ' ', decl).split()
        if len(words) > 1:
            try:
                return self.resolve(' '.join(words[:-1])), words[-1]
            except ValueError:
                pass
        return self.resolve(' '.join(words)), None

    def struct_layout(self, tag):
        """[(name, kind, count, offset)], size, align."""
        fields, offset, align = [], 0, 1
        for f in [x.strip() for x in self.structs[tag].split(';') if x.strip()]:
            arr = re.search(r'\[([^\]]+)\]\s*$', f)
            count = self.eval_int(arr.group(1)) if arr else 0
            kind, name = self.declaration(re.sub(r'\[[^\]]*\]\s*$', '', f))
            if kind.startswith('struct:'):
                _, sz, al = self.struct_layout(kind[7:])
            else:
                sz, al = SIZE[kind], SIZE[kind]
            offset = (offset + al - 1) // al * al
            fields.append((name, kind, count, offset))
            offset += sz * max(count, 1)
            align = max(align, al)
        return fields, (offset + align - 1) // align * align, align


def read_includes(path):
    funcs, consts, structs = [], [], []
    for line in open(path):
        p = line.split()
        if len(p) == 2 and p[0] == '--include-function':
            funcs.append(p[1])
        elif len(p) == 2 and p[0] in ('--include-constant', '--include-macro'):
            consts.append(p[1])
        elif len(p) == 2 and p[0] == '--include-struct':
            structs.append(p[1])
    return funcs, consts, structs


def jname(n):
    return n + '_' if n in JAVA_KEYWORDS else n


def emit_function(unit, name, out):
    ret, params = unit.functions[name]
    rk, _ = unit.declaration(ret + ' x') if '*' not in ret else ('ptr', None)
    plist = [] if params in ('', 'void') else [p.strip() for p in params.split(',')]
    kinds = []
    for i, p in enumerate(plist):
        k, n = unit.declaration(p)
        if k.startswith('struct:') or k == 'union':
            raise ValueError(name + ': struct by value not supported: ' + p)
        kinds.append((k, jname(n or 'x' + str(i))))
    layouts = ', '.join(LAYOUT[k] for k, _ in kinds)
    desc = ('FunctionDescriptor.ofVoid(' + layouts + ')' if rk == 'void' else
            'FunctionDescriptor.of(' + LAYOUT[rk] + (', ' + layouts if layouts else '') + ')')
    args = ', '.join(JAVA[k] + ' ' + n for k, n in kinds)
    call = ', '.join(n for _, n in kinds)
    proto = ' '.join((ret + ' ' + name + '(' + params + ')').split())
    out.append(f'''
    private static final class {name} {{
        static final FunctionDescriptor DESC = {desc};
        /** Nested so that asking for the descriptor loads nothing; the library loads on the first call. */
        private static final class Bound {{
            static final MemorySegment ADDR = findOrThrow("{name}");
            static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
        }}
    }}

    /** {{@snippet lang=c : {proto} }} */
    public static FunctionDescriptor {name}$descriptor() {{ return {name}.DESC; }}

    public static MethodHandle {name}$handle() {{ return {name}.Bound.HANDLE; }}

    public static MemorySegment {name}$address() {{ return {name}.Bound.ADDR; }}

    /** {{@snippet lang=c : {proto} }} */
    public static {JAVA[rk]} {name}({args}) {{
        var mh$ = {name}.Bound.HANDLE;
        try {{
            {'' if rk == 'void' else 'return (' + JAVA[rk] + ') '}mh$.invokeExact({call});
        }} catch (Error | RuntimeException ex$) {{
            throw ex$;
        }} catch (Throwable ex$) {{
            throw new AssertionError("should not reach here", ex$);
        }}
    }}
''')


def field_layout(unit, kind, count, name):
    base = LAYOUT[kind] if not kind.startswith('struct:') else kind[7:] + '.layout()'
    if count:
        base = f'MemoryLayout.sequenceLayout({count}, {base})'
    return f'{base}.withName("{name}")'


def emit_struct(unit, tag, pkg, outdir, header_class, source):
    fields, size, align = unit.struct_layout(tag)
    parts, pos = [], 0
    for name, kind, count, off in fields:
        if off > pos:
            parts.append(f'MemoryLayout.paddingLayout({off - pos})')
        parts.append(field_layout(unit, kind, count, name))
        sz = (unit.struct_layout(kind[7:])[1] if kind.startswith('struct:') else SIZE[kind]) * max(count, 1)
        pos = off + sz
    if size > pos:
        parts.append(f'MemoryLayout.paddingLayout({size - pos})')
    acc = []
    for name, kind, count, off in fields:
        acc.append(f'''
    public static long {name}$offset() {{ return {off}L; }}''')
        if count == 0 and not kind.startswith('struct:'):
            vl = {'int': 'JAVA_INT', 'long': 'JAVA_LONG', 'float': 'JAVA_FLOAT', 'double': 'JAVA_DOUBLE',
                  'ptr': 'ADDRESS', 'byte': 'JAVA_BYTE', 'short': 'JAVA_SHORT'}[kind]
            acc.append(f'''
    public static {JAVA[kind]} {name}(MemorySegment struct) {{ return struct.get({vl}, {off}L); }}

    public static void {name}(MemorySegment struct, {JAVA[kind]} value) {{ struct.set({vl}, {off}L, value); }}''')
        elif kind.startswith('struct:') and count == 0:
            acc.append(f'''
    public static MemorySegment {name}(MemorySegment struct) {{ return struct.asSlice({off}L, {kind[7:]}.layout()); }}''')
    joined = ',\n        '.join(parts)
    text = f'''// Generated by native-bindings/jextract/gen.py from {source}; do not edit, regenerate.
package {pkg};

import java.lang.foreign.*;

import static java.lang.foreign.ValueLayout.*;
import static {pkg}.{header_class}.*;

/** Layout of C {{@code struct {tag}}} ({size} bytes, align {align}). */
public final class {tag} {{
    private {tag}() {{}}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        {joined}
    ).withName("{tag}");

    public static GroupLayout layout() {{ return $LAYOUT; }}

    public static long sizeof() {{ return $LAYOUT.byteSize(); }}

    public static MemorySegment allocate(SegmentAllocator allocator) {{ return allocator.allocate($LAYOUT); }}
{''.join(acc)}
}}
'''
    open(os.path.join(outdir, tag + '.java'), 'w').write(text)


def main():
    name, includes, outdir, headers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    library = {'cuda_h': 'CUDA', 'nvrtc_h': 'NVRTC', 'cublas_v2_h': 'CUBLAS', 'cudnn_h': 'CUDNN'}[name]
    text = '\n'.join(re.sub(r'#\s*include[^\n]*', '', open(h, encoding='latin-1').read()) for h in headers)
    unit = Unit(text)
    funcs, consts, structs = read_includes(includes)
    source = ', '.join(os.path.basename(h) for h in headers)
    out = []
    for c in consts:
        if c in unit.enums:
            v = unit.enums[c]
        elif c in unit.macros:
            v = unit.eval_int(unit.macros[c])
        else:
            raise SystemExit('constant not found: ' + c)
        jt, lit = ('int', str(v)) if -2**31 <= v < 2**31 else ('long', str(v) + 'L')
        if jt == 'int' and v >= 2**31:
            lit = str(v - 2**32)
        out.append(f'\n    private static final {jt} {c} = {lit};\n\n    public static {jt} {c}() {{ return {c}; }}\n')
    for f in funcs:
        if f not in unit.functions:
            raise SystemExit('function not found: ' + f)
        emit_function(unit, f, out)
    pkg = 'dev.lottery.bindings'
    text = f'''// Generated by native-bindings/jextract/gen.py from {source}; do not edit, regenerate.
package {pkg};

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * FFM bindings to {source}, in jextract's shape, limited to {os.path.basename(includes)}.
 *
 * <p>Nothing loads when this class initializes: each function's symbol is looked up in
 * {{@link NativeLibraries#{library}}} on its first call. See {{@link NativeLibraries}} for the arena rules.
 */
@SuppressWarnings("unused")
public final class {name} {{
    private {name}() {{}}

    static final Linker LINKER = Linker.nativeLinker();

    public static final ValueLayout.OfByte C_CHAR = JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ADDRESS;

    static MemorySegment findOrThrow(String symbol) {{
        return NativeLibraries.{library}.find(symbol);
    }}
{''.join(out)}}}
'''
    os.makedirs(outdir, exist_ok=True)
    open(os.path.join(outdir, name + '.java'), 'w').write(text)
    for s in structs:
        emit_struct(unit, s, pkg, outdir, name, source)
    print(f'{name}: {len(funcs)} functions, {len(consts)} constants, {len(structs)} structs')


if __name__ == '__main__':
    main()
