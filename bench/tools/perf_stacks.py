"""Shares of one thread's `perf` samples, native code included (JFR's execution samples leave out
time in native code: RocksDB, LZ4, the kernel).

Record and extract (the JVM writes /tmp/perf-PID.map at exit, which names the JIT's code; RocksDB
and lz4-java unpack their libraries to /tmp and delete them at exit, so copy them aside while
the run is on and back before `perf script` to get their symbols):

  java -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer \\
      -jar deploy/target/faultline.jar bench ... &
  perf record -F 999 -g -p PID -o perf.data
  perf script -i perf.data --tid TID -F tid,ip,sym,dso > thread.txt

Usage:
  python3 bench/tools/perf_stacks.py thread.txt [ROWS] [INCLUSIVE_REGEX]
      shares by library, by top frame, and inclusive by method (those matching the regex)
  python3 bench/tools/perf_stacks.py thread.txt --under FRAME [ROWS]
      what the samples with FRAME on their stack spend below it, by top frame and inclusive
"""
import collections
import re
import sys

FRAME = re.compile(r'\s*[0-9a-f]+ (.*) \((.*)\)$')
HEADER = re.compile(r'^\s*\d+\s*$')


def read(path):
    samples, current = [], None
    for line in open(path):
        if not line.strip():
            if current:
                samples.append(current)
            current = None
        elif HEADER.match(line):
            current = []  # a sample's header line: the thread id
        else:
            match = FRAME.match(line.rstrip())
            if match and current is not None:
                library = match.group(2).rsplit('/', 1)[-1]
                current.append((short(match.group(1)), 'JIT' if library.startswith('perf-') else library))
    if current:
        samples.append(current)
    return samples


def short(symbol):
    """A Java frame's class.method without its signature; native symbols as they are."""
    if '(' in symbol and ' ' in symbol.split('(')[0]:
        return symbol.split('(')[0].split(' ')[-1]
    return symbol


def table(title, counter, total, rows, pattern=None):
    print('== %s' % title)
    shown = 0
    for key, count in counter.most_common():
        if pattern and not re.search(pattern, key):
            continue
        print('%6.1f%%  %s' % (100.0 * count / total, key))
        shown += 1
        if shown >= rows:
            break


def summary(samples, rows, pattern):
    libraries, top, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
    for frames in samples:
        if not frames:
            continue
        libraries[frames[0][1]] += 1
        top[frames[0][0]] += 1
        for name in {name for name, _ in frames}:
            inclusive[name] += 1
    total = len(samples)
    print('%d samples' % total)
    table('library of the top frame', libraries, total, 12)
    table('top frame', top, total, rows)
    table('inclusive', inclusive, total, rows, pattern)


def under(samples, frame, rows):
    top, inclusive, n = collections.Counter(), collections.Counter(), 0
    for frames in samples:
        depth = [i for i, (name, _) in enumerate(frames) if frame in name]
        if not depth:
            continue
        n += 1
        top[frames[0][0]] += 1
        for name in {name for name, _ in frames[:depth[-1]]}:
            inclusive[name] += 1
    print('%d of %d samples (%.1f%%) have %s on the stack; shares of those:'
          % (n, len(samples), 100.0 * n / max(1, len(samples)), frame))
    table('top frame', top, max(1, n), rows)
    table('inclusive, below it', inclusive, max(1, n), rows)


if __name__ == '__main__':
    stacks = read(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == '--under':
        under(stacks, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 20)
    else:
        summary(stacks, int(sys.argv[2]) if len(sys.argv) > 2 else 40,
                sys.argv[3] if len(sys.argv) > 3 else None)
