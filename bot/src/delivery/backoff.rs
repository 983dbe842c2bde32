//! `RetryPolicy`: when to try a failed task again, and when to give up.
//!
//! Exponential backoff (initial, doubling, capped) with "equal jitter": the delay is drawn
//! uniformly from the upper half of the step, so retries from many tasks that failed together
//! spread out instead of hammering a recovering handler at the same second.

use std::time::Duration;

use rand::Rng;

use crate::configuration::DeliverySettings;
use crate::storage::Retry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::from(&DeliverySettings::default())
    }
}

impl From<&DeliverySettings> for RetryPolicy {
    fn from(s: &DeliverySettings) -> Self {
        Self {
            max_attempts: s.max_attempts.max(1),
            initial_backoff: Duration::from_secs(s.initial_backoff_secs),
            max_backoff: Duration::from_secs(s.max_backoff_secs),
        }
    }
}

impl RetryPolicy {
    /// The un-jittered delay after the `attempts`-th failure (1-based).
    pub fn step(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(32);
        self.initial_backoff
            .saturating_mul(1u32 << exponent.min(31))
            .min(self.max_backoff)
    }

    /// Decision after the `attempts`-th failed attempt at unix time `now`.
    pub fn after_failure<R: Rng + ?Sized>(
        &self,
        attempts: u32,
        now: i64,
        retry_after: Option<Duration>,
        rng: &mut R,
    ) -> Retry {
        if attempts >= self.max_attempts {
            return Retry::Dead;
        }
        let step = self.step(attempts).as_secs();
        let jittered = if step >= 2 {
            rng.random_range(step / 2..=step)
        } else {
            step
        };
        let floor = retry_after.map_or(0, |d| d.as_secs().min(self.max_backoff.as_secs()));
        let delay = jittered.max(floor).max(1);
        Retry::At(now.saturating_add(i64::try_from(delay).unwrap_or(i64::MAX / 2)))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(60),
        }
    }

    #[test]
    fn steps_double_and_cap() {
        let p = policy();
        let steps: Vec<u64> = (1..=6).map(|a| p.step(a).as_secs()).collect();
        assert_eq!(steps, vec![10, 20, 40, 60, 60, 60]);
        assert_eq!(p.step(1000).as_secs(), 60, "no overflow");
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_step() {
        let p = policy();
        let mut rng = StdRng::seed_from_u64(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let Retry::At(at) = p.after_failure(2, 1000, None, &mut rng) else {
                panic!("should retry")
            };
            let delay = at - 1000;
            assert!((10..=20).contains(&delay), "{delay}");
            seen.insert(delay);
        }
        assert!(seen.len() > 5, "jitter spreads retries: {seen:?}");
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let p = policy();
        let mut rng = StdRng::seed_from_u64(2);
        assert!(matches!(p.after_failure(4, 0, None, &mut rng), Retry::At(_)));
        assert_eq!(p.after_failure(5, 0, None, &mut rng), Retry::Dead);
        assert_eq!(p.after_failure(9, 0, None, &mut rng), Retry::Dead);
    }

    #[test]
    fn retry_after_is_respected_up_to_the_cap() {
        let p = policy();
        let mut rng = StdRng::seed_from_u64(3);
        assert_eq!(
            p.after_failure(1, 0, Some(Duration::from_secs(45)), &mut rng),
            Retry::At(45)
        );
        assert_eq!(
            p.after_failure(1, 0, Some(Duration::from_secs(9999)), &mut rng),
            Retry::At(60)
        );
    }
}
