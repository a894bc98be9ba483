//! `retry`: which failed `/refresh` is tried again, and after how long.
//!
//! A failure is transient when trying again may succeed: the backend could not be reached
//! or did not answer in time (`AuthConnectionError`), or it said so (408, 429, 5xx). Every
//! other answer is final, 401 and 403 first among them: the session is over, and asking
//! again only repeats the refusal.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Tries of one refresh in all, the first included (at least 1).
    pub attempts: u32,
    pub base_delay_ms: f64,
    pub max_delay_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay_ms: 500.0,
            max_delay_ms: 8000.0,
        }
    }
}

/// Whether an answer with this HTTP status is worth another try.
pub fn transient_status(status: f64) -> bool {
    status == 408.0 || status == 429.0 || (500.0..600.0).contains(&status)
}

impl RetryPolicy {
    /// The wait after failed try `attempt` (1 for the first), or `None` when no try is
    /// left. `jitter` in `[0, 1)` places the wait in the upper half of its exponential
    /// step (`base·2ⁿ⁻¹/2 ..= base·2ⁿ⁻¹`), so each wait is at least the one before; all are
    /// capped by `max_delay_ms`. The server's `Retry-After` replaces the computed wait; one
    /// longer than `max_delay_ms` ends the tries, as the app will not wait that long.
    pub fn wait(&self, attempt: u32, jitter: f64, retry_after_ms: Option<f64>) -> Option<f64> {
        if attempt >= self.attempts {
            return None;
        }
        if let Some(asked) = retry_after_ms {
            return (asked <= self.max_delay_ms).then_some(asked.max(0.0));
        }
        let step = self.base_delay_ms * pow2(attempt - 1);
        Some((step * (0.5 + jitter.clamp(0.0, 1.0) / 2.0)).min(self.max_delay_ms))
    }
}

/// `2ⁿ` without `powi`, which needs libm on the default (`no_std`) build.
fn pow2(n: u32) -> f64 {
    let mut x = 1.0;
    for _ in 0..n.min(1100) {
        x *= 2.0;
    }
    x
}

/// `Retry-After` in milliseconds from now: its delay-seconds (`seconds`, NaN when the
/// header is not all digits), else the HTTP date in it (`date_ms`, NaN when there is none).
pub fn retry_after_ms(seconds: f64, date_ms: f64, now_ms: f64) -> Option<f64> {
    if seconds >= 0.0 {
        return Some(seconds * 1000.0);
    }
    (!date_ms.is_nan()).then(|| (date_ms - now_ms).max(0.0))
}

/// A small deterministic generator for the jitter (xorshift32), seeded by the browser.
#[derive(Debug, Clone)]
pub struct Jitter(u32);

impl Jitter {
    pub fn new(seed: u32) -> Self {
        Jitter(seed | 1)
    }

    /// The next value in `[0, 1)`.
    pub fn sample(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        f64::from(x) / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_statuses() {
        for s in [408.0, 429.0, 500.0, 502.0, 503.0, 504.0, 599.0] {
            assert!(transient_status(s), "{s}");
        }
        for s in [200.0, 400.0, 401.0, 403.0, 404.0, 409.0, 600.0, f64::NAN] {
            assert!(!transient_status(s), "{s}");
        }
    }

    #[test]
    fn waits_grow_within_the_upper_half_of_each_step_and_are_capped() {
        let p = RetryPolicy {
            attempts: 8,
            base_delay_ms: 100.0,
            max_delay_ms: 1000.0,
        };
        assert_eq!(p.wait(1, 0.0, None), Some(50.0));
        assert_eq!(p.wait(1, 0.999_999, None).map(f64::round), Some(100.0));
        assert_eq!(p.wait(2, 0.0, None), Some(100.0));
        assert_eq!(p.wait(3, 0.5, None), Some(300.0));
        assert_eq!(p.wait(5, 0.5, None), Some(1000.0));
        let mut j = Jitter::new(7);
        let mut last = 0.0;
        for attempt in 1..8 {
            let w = p.wait(attempt, j.sample(), None).unwrap();
            let step = 100.0 * f64::from(1u32 << (attempt - 1));
            assert!(w >= last, "attempt {attempt}: {w} < {last}");
            assert!(
                w >= (step / 2.0).min(1000.0) && w <= step.min(1000.0),
                "attempt {attempt}: {w}"
            );
            last = w;
        }
        assert_eq!(p.wait(8, 0.5, None), None);
    }

    #[test]
    fn attempts_count_the_first_try() {
        let p = RetryPolicy::default();
        assert!(p.wait(1, 0.5, None).is_some());
        assert!(p.wait(2, 0.5, None).is_some());
        assert_eq!(p.wait(3, 0.5, None), None);
        let once = RetryPolicy { attempts: 1, ..p };
        assert_eq!(once.wait(1, 0.5, None), None);
    }

    #[test]
    fn retry_after_replaces_the_wait_unless_longer_than_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(1, 0.5, Some(2000.0)), Some(2000.0));
        assert_eq!(p.wait(2, 0.5, Some(0.0)), Some(0.0));
        assert_eq!(p.wait(1, 0.5, Some(8000.0)), Some(8000.0));
        assert_eq!(p.wait(1, 0.5, Some(8001.0)), None);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let p = RetryPolicy {
            attempts: u32::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(p.wait(u32::MAX - 1, 0.5, None), Some(8000.0));
    }

    #[test]
    fn retry_after_reads_seconds_or_a_date() {
        assert_eq!(retry_after_ms(3.0, f64::NAN, 0.0), Some(3000.0));
        assert_eq!(retry_after_ms(0.0, f64::NAN, 0.0), Some(0.0));
        assert_eq!(retry_after_ms(f64::NAN, 4000.0, 1000.0), Some(3000.0));
        assert_eq!(retry_after_ms(f64::NAN, 4000.0, 5000.0), Some(0.0));
        assert_eq!(retry_after_ms(f64::NAN, f64::NAN, 0.0), None);
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for seed in [0, 1, 42, u32::MAX] {
            let mut j = Jitter::new(seed);
            for _ in 0..1000 {
                let x = j.sample();
                assert!((0.0..1.0).contains(&x));
            }
        }
    }
}
