//! `GeoPoint`: where the problem is, as WGS84 latitude/longitude (Open311 `lat`/`long`).
//!
//! Both must be given together, be finite and lie in range; the place name (`address_string`)
//! stays in `Place`.

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub long: f64,
}

// Coordinates are validated finite, so equality is total.
impl Eq for GeoPoint {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoPointError {
    #[error("Koordinat harus berupa angka (lat dan long).")]
    NotANumber,
    #[error("Isi lat dan long sekaligus.")]
    Incomplete,
    #[error("Koordinat di luar jangkauan (lat -90..90, long -180..180).")]
    OutOfRange,
}

impl GeoPoint {
    /// Parses optional text fields; both blank is `None`, one blank is an error.
    pub fn parse(lat: Option<&str>, long: Option<&str>) -> Result<Option<Self>, GeoPointError> {
        let lat = lat.map(str::trim).filter(|s| !s.is_empty());
        let long = long.map(str::trim).filter(|s| !s.is_empty());
        let (lat, long) = match (lat, long) {
            (None, None) => return Ok(None),
            (Some(lat), Some(long)) => (lat, long),
            _ => return Err(GeoPointError::Incomplete),
        };
        let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(lat), Some(long)) = (number(lat), number(long)) else {
            return Err(GeoPointError::NotANumber);
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&long) {
            return Err(GeoPointError::OutOfRange);
        }
        Ok(Some(Self { lat, long }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(GeoPoint::parse(None, Some(" ")), Ok(None));
        assert_eq!(
            GeoPoint::parse(Some("-7.6453"), Some("112.9075")),
            Ok(Some(GeoPoint {
                lat: -7.6453,
                long: 112.9075
            }))
        );
        assert_eq!(GeoPoint::parse(Some("1"), None), Err(GeoPointError::Incomplete));
        assert_eq!(GeoPoint::parse(Some("x"), Some("1")), Err(GeoPointError::NotANumber));
        assert_eq!(GeoPoint::parse(Some("NaN"), Some("1")), Err(GeoPointError::NotANumber));
        assert_eq!(GeoPoint::parse(Some("91"), Some("1")), Err(GeoPointError::OutOfRange));
    }
}
