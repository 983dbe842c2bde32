//! `Satisfaction`: a citizen's rating of how a resolved complaint was handled, 1 (very
//! dissatisfied) to 5 (very satisfied), as SP4N-LAPOR! asks after a complaint is finished.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Satisfaction(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Nilai kepuasan harus 1 sampai 5.")]
pub struct SatisfactionError;

impl Satisfaction {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn parse(score: i64) -> Result<Self, SatisfactionError> {
        u8::try_from(score)
            .ok()
            .filter(|s| (Self::MIN..=Self::MAX).contains(s))
            .map(Self)
            .ok_or(SatisfactionError)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_five_only() {
        assert_eq!(Satisfaction::parse(1).map(Satisfaction::get), Ok(1));
        assert_eq!(Satisfaction::parse(5).map(Satisfaction::get), Ok(5));
        for bad in [0, 6, -1, 256] {
            assert_eq!(Satisfaction::parse(bad), Err(SatisfactionError), "{bad}");
        }
    }
}
