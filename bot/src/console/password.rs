//! Passwords and tokens: Argon2id hashes (PHC strings) for passwords, random tokens for setup
//! links, sessions and forms, and their SHA-256 digests (what the database keeps).
//!
//! Hashing and verifying are deliberately slow; callers run them on the blocking pool.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing cost grows with it).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Why a new password is refused, in Indonesian for the setup page.
pub fn check_new_password(password: &str, confirm: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err("Kata sandi minimal 10 karakter.");
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err("Kata sandi maksimal 200 karakter.");
    }
    if password != confirm {
        return Err("Kedua kata sandi tidak sama. Ketik ulang.");
    }
    Ok(())
}

/// Argon2id hash of `password` with a random salt (PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches the stored hash (false for a corrupt hash too).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// Spends the time of one verification against a fixed hash, so an unknown username takes as
/// long to refuse as a wrong password.
pub fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("loket-dummy-password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// A fresh random token: 32 bytes, hex (64 characters, URL- and cookie-safe).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Hex SHA-256 of a token: what the database stores instead of the token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in constant time (for equal lengths).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("rahasia-panjang-sekali").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("rahasia-panjang-sekali", &hash));
        assert!(!verify_password("rahasia-panjang-sekalI", &hash));
        assert!(!verify_password("x", "bukan-hash"));
        assert_ne!(hash, hash_password("rahasia-panjang-sekali").unwrap(), "salted");
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(check_new_password("pendek", "pendek").is_err());
        assert!(check_new_password("cukup-panjang", "cukup-panjanG").is_err());
        assert!(check_new_password(&"x".repeat(201), &"x".repeat(201)).is_err());
        assert!(check_new_password("cukup-panjang", "cukup-panjang").is_ok());
    }

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_digest(&a).len(), 64);
        assert_ne!(token_digest(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret("a", "ab"));
    }
}
