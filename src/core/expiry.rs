//! When a cached session may be served: core-app-api refreshes once less than three
//! minutes remain on either the provider token or the Backstage token.

/// Seconds of validity below which a session is refreshed before use.
pub const REFRESH_MARGIN_SECONDS: f64 = 180.0;

/// `Math.min`, which (unlike `f64::min`) lets NaN win: an invalid `Date` in a session
/// supplied from JS then means "never refresh", as in the JS original.
fn js_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a < b {
        a
    } else {
        b
    }
}

/// `sessionShouldRefresh` of `OAuth2.create`; times are epoch milliseconds.
pub fn should_refresh(now_ms: f64, provider_expires_ms: Option<f64>, identity_expires_ms: Option<f64>) -> bool {
    let mut min = f64::INFINITY;
    for at in [provider_expires_ms, identity_expires_ms].into_iter().flatten() {
        min = js_min(min, (at - now_ms) / 1000.0);
    }
    min < REFRESH_MARGIN_SECONDS
}

/// `expiresInSeconds ? new Date(now + expiresInSeconds * 1e3) : undefined`:
/// zero and NaN are falsy, so they mean "no expiry".
pub fn expires_at(now_ms: f64, expires_in_seconds: Option<f64>) -> Option<f64> {
    match expires_in_seconds {
        Some(s) if s != 0.0 && !s.is_nan() => Some(now_ms + s * 1000.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_below_three_minutes_on_either_token() {
        let now = 1_000_000.0;
        assert!(!should_refresh(now, None, None));
        assert!(!should_refresh(now, Some(now + 180_000.0), None));
        assert!(should_refresh(now, Some(now + 179_999.0), None));
        assert!(should_refresh(now, Some(now + 3_600_000.0), Some(now + 10_000.0)));
        assert!(should_refresh(now, None, Some(now - 1.0)));
    }

    #[test]
    fn nan_expiry_never_refreshes_like_math_min() {
        assert!(!should_refresh(0.0, Some(f64::NAN), Some(0.0)));
    }

    #[test]
    fn zero_or_missing_lifetime_has_no_expiry() {
        assert_eq!(expires_at(5.0, None), None);
        assert_eq!(expires_at(5.0, Some(0.0)), None);
        assert_eq!(expires_at(5.0, Some(f64::NAN)), None);
        assert_eq!(expires_at(5.0, Some(2.0)), Some(2005.0));
        assert_eq!(expires_at(5.0, Some(-1.0)), Some(-995.0));
    }
}
