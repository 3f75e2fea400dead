//! Each stage's wall and CPU time, for `build --timings` and `serve --timings`.

use std::time::{Duration, Instant};

/// One stage's wall time, and the CPU time the process spent in it (all threads).
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub stage: &'static str,
    pub wall: Duration,
    pub cpu: Duration,
}

/// The laps of one run, in pipeline order.
pub(crate) struct Timer {
    last: Instant,
    last_cpu: Duration,
    pub(crate) laps: Vec<Lap>,
}

impl Timer {
    pub(crate) fn new() -> Timer {
        Timer {
            last: Instant::now(),
            last_cpu: process_cpu_time(),
            laps: Vec::new(),
        }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let (now, cpu) = (Instant::now(), process_cpu_time());
        self.laps.push(Lap {
            stage,
            wall: now - self.last,
            cpu: cpu.saturating_sub(self.last_cpu),
        });
        (self.last, self.last_cpu) = (now, cpu);
    }

    /// Two stages that ran side by side: `first` took `first_time`, `second` until now (the
    /// CPU time of both is counted under `second`).
    pub(crate) fn side_by_side(
        &mut self,
        first: &'static str,
        first_time: Duration,
        second: &'static str,
    ) {
        self.laps.push(Lap {
            stage: first,
            wall: first_time,
            cpu: Duration::ZERO,
        });
        self.lap(second);
    }
}

/// The CPU time this process has used so far, all threads (less sensitive than wall time to
/// other work on the machine; std has no process clock).
fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill in.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
