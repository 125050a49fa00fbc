"""Samples a JVM's threads once a second from /proc: user and system CPU ticks and minor page faults
per thread group (the first 14 characters of the thread's name), the busiest six per line.

Usage: python3 bench/tools/thread_cpu_sampler.py PID OUTPUT  (runs until the process exits)

Found the bench's passes at twice the stream thread's CPU: seconds of system time and tens of
thousands of minor faults a second while the heap grew (docs/performance.md).
"""
import os
import sys
import time


def sample(pid):
    threads = {}
    for tid in os.listdir('/proc/%s/task' % pid):
        try:
            stat = open('/proc/%s/task/%s/stat' % (pid, tid)).read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        # After the name: state is field 3 of stat(5), so minflt (10) is [7], utime (14) [11],
        # stime (15) [12].
        threads[tid] = (name, int(fields[11]), int(fields[12]), int(fields[7]))
    return threads


def main(pid, output):
    out = open(output, 'w')
    previous = {}
    while os.path.exists('/proc/%s' % pid):
        try:
            now = sample(pid)
        except FileNotFoundError:
            break
        groups = {}
        for tid, (name, user, system, faults) in now.items():
            before = previous.get(tid, (name, 0, 0, 0))
            group = groups.setdefault(name[:14], [0, 0, 0])
            group[0] += user - before[1]
            group[1] += system - before[2]
            group[2] += faults - before[3]
        previous = now
        busiest = sorted(groups.items(), key=lambda g: -(g[1][0] + g[1][1]))[:6]
        row = ' '.join(
            '%s:%d/%d/%dk' % (name, user, system, faults // 1000)
            for name, (user, system, faults) in busiest
            if user + system > 0)
        out.write('%s %s\n' % (time.strftime('%H:%M:%S'), row))
        out.flush()
        time.sleep(1)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
