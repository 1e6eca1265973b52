#!/usr/bin/env python3
"""Where the page's wasm goes: the code section's bytes per crate.

Reads the wasm that cargo writes before wasm-bindgen and wasm-opt, which still has its name
section (scripts/build-web.sh builds it: target/wasm32-unknown-unknown/release/iin.wasm), and
groups every function body by the crate its (legacy-mangled) symbol starts with; a generic
impl `<a::T as b::Trait>` counts for `a`. Sizes are before wasm-opt -Oz, which shrinks the
whole by about a quarter, so read the shares, not the bytes.

Usage: scripts/wasm-breakdown.py [WASM] [--top N]
"""
import collections
import re
import sys


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    if data[:4] != b"\0asm":
        sys.exit("wasm-breakdown: not a wasm module")
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb128(data, i + 1)
        yield sid, i, i + size
        i += size


def imported_functions(data, start):
    count, i = leb128(data, start)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            n, i = leb128(data, i)
            i += n
        kind = data[i]
        i += 1
        if kind == 0:  # function: type index
            _, i = leb128(data, i)
            functions += 1
        elif kind == 1:  # table: element type, limits
            i += 1
            flags, i = leb128(data, i)
            _, i = leb128(data, i)
            if flags & 1:
                _, i = leb128(data, i)
        elif kind == 2:  # memory: limits
            flags, i = leb128(data, i)
            _, i = leb128(data, i)
            if flags & 1:
                _, i = leb128(data, i)
        elif kind == 3:  # global: type, mutability
            i += 2
        else:
            sys.exit(f"wasm-breakdown: unknown import kind {kind}")
    return functions


def function_names(data, start, end):
    n, i = leb128(data, start)
    if data[i:i + n] != b"name":
        return None
    i += n
    names = {}
    while i < end:
        sub = data[i]
        size, i = leb128(data, i + 1)
        if sub == 1:
            count, j = leb128(data, i)
            for _ in range(count):
                index, j = leb128(data, j)
                length, j = leb128(data, j)
                names[index] = data[j:j + length].decode("utf-8", "replace")
                j += length
        i += size
    return names


def crate_of(symbol):
    """The first path component of a legacy-mangled symbol (`_ZN<len><ident>...E`)."""
    if not symbol.startswith("_ZN"):
        return symbol.split("::")[0] or "?"
    m = re.match(r"_ZN(\d+)", symbol)
    if not m:
        return "?"
    length = int(m.group(1))
    first = symbol[m.end():m.end() + length]
    if first.startswith("_$LT$"):  # <a::T as b::Trait>: the type's crate
        inner = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\.\.", first)
        return inner.group(1) if inner else "?"
    return first


def main():
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        k = args.index("--top")
        top = int(args[k + 1])
        del args[k:k + 2]
    path = args[0] if args else "target/wasm32-unknown-unknown/release/iin.wasm"
    data = open(path, "rb").read()
    imports, names, bodies = 0, None, []
    for sid, start, end in sections(data):
        if sid == 2:
            imports = imported_functions(data, start)
        elif sid == 0:
            names = function_names(data, start, end) or names
        elif sid == 10:
            count, i = leb128(data, start)
            for _ in range(count):
                size, j = leb128(data, i)
                bodies.append(size + (j - i))
                i = j + size
    if names is None:
        sys.exit(f"wasm-breakdown: {path} has no name section (run it on cargo's output, before wasm-opt)")
    per_crate = collections.Counter()
    for k, size in enumerate(bodies):
        per_crate[crate_of(names.get(imports + k, "?"))] += size
    total = sum(per_crate.values())
    print(f"{path}: {len(data)} bytes, code {total} bytes in {len(bodies)} functions")
    print(f"{'bytes':>10} {'share':>6}  crate")
    for crate, size in per_crate.most_common(top):
        print(f"{size:>10} {100 * size / total:>5.1f}%  {crate}")
    families = collections.Counter()
    for crate, size in per_crate.items():
        family = next((f for f in ("cubecl", "cubek", "pliron", "combine", "burn_flex", "burn", "gemm", "iin")
                       if crate.startswith(f)), "other (core, alloc, std, serde, ...)")
        families[family] += size
    print("\nby family:")
    for family, size in families.most_common():
        print(f"{size:>10} {100 * size / total:>5.1f}%  {family}")


if __name__ == "__main__":
    main()
