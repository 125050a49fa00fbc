"""Where a thread's wall clock goes, from the kernel's scheduler statistics: every 100 ms, for
each thread of a JVM, the time it ran, the time it waited for a CPU (runnable, not running) and,
the rest, the time it was blocked (I/O, locks, waiting for a broker's reply).

Usage:
  python3 bench/tools/sched_timeline.py PID SAMPLES.txt        samples until the process exits,
                                                                then reports
  python3 bench/tools/sched_timeline.py --report SAMPLES.txt [THREAD_PREFIX]

The report covers the threads whose name starts with THREAD_PREFIX (default "bench-analyzer",
the bench's stream threads) that were started for the last pass: the busiest such thread and
those started within a second of it. /proc/PID/task/TID/schedstat holds, in nanoseconds, the time
on a CPU and the time waiting on a run queue (docs/performance.md: "Where the stream thread's wall
clock goes").
"""
import collections
import os
import sys
import time


def sample(pid, output):
    out = open(output, 'w')
    while os.path.exists('/proc/%s' % pid):
        now = time.time()
        try:
            tids = os.listdir('/proc/%s/task' % pid)
        except FileNotFoundError:
            break
        for tid in tids:
            try:
                name = open('/proc/%s/task/%s/comm' % (pid, tid)).read().strip()
                stat = open('/proc/%s/task/%s/schedstat' % (pid, tid)).read().split()
            except OSError:
                continue  # the thread ended
            out.write('%.3f %s %s %s %s\n' % (now, tid, name.replace(' ', '_'), stat[0], stat[1]))
        time.sleep(0.1)
    out.close()


def report(samples, prefix):
    series = collections.defaultdict(list)
    names = {}
    for line in open(samples):
        at, tid, name, ran, waited = line.split()[:5]
        series[tid].append((float(at), int(ran), int(waited)))
        names[tid] = name
    busy = [t for t in series if names[t].startswith(prefix[:15])
            and series[t][-1][1] - series[t][0][1] > 0.5e9]
    if not busy:
        sys.exit('no thread starting with %r used more than 0.5 s of CPU' % prefix)
    last = max(busy, key=lambda t: series[t][0][0])
    start = series[last][0][0]
    threads = [t for t in busy if abs(series[t][0][0] - start) < 1.0]
    rows = collections.defaultdict(lambda: [0.0, 0.0, 0.0])
    for tid in threads:
        s = series[tid]
        for before, now in zip(s, s[1:]):
            key = round(now[0] - start, 1)
            wall = (now[0] - before[0]) * 1000
            ran = (now[1] - before[1]) / 1e6
            waited = (now[2] - before[2]) / 1e6
            row = rows[key]
            row[0] += ran
            row[1] += waited
            row[2] += max(0.0, wall - ran - waited)
    print('threads %s (%s), from their start; ms per 100 ms, summed over the threads'
          % (', '.join(threads), names[last]))
    print('%7s %8s %9s %8s' % ('t (s)', 'ran', 'runnable', 'blocked'))
    total = [0.0, 0.0, 0.0]
    for key in sorted(rows):
        ran, waited, blocked = rows[key]
        print('%7.1f %8.0f %9.0f %8.0f' % (key, ran, waited, blocked))
        for i in range(3):
            total[i] += rows[key][i]
    print('total   %8.0f %9.0f %8.0f  (ms: ran, waited for a CPU, blocked)' % tuple(total))


if __name__ == '__main__':
    if sys.argv[1] == '--report':
        report(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else 'bench-analyzer')
    else:
        sample(sys.argv[1], sys.argv[2])
        report(sys.argv[2], 'bench-analyzer')
