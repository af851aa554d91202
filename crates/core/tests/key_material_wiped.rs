//! No freed heap block holds key material: a key left in freed memory outlives the cipher that owned it.
//!
//! This test binary's global allocator scans every block as it is freed for the first 16 bytes of watched
//! derived keys (AES-256's first round key is the key itself, so an expanded key holds them too). A key
//! ring that grew its `Vec` while being built once freed the unwiped copies left behind by each move.
//! One `#[test]` only, so no other test allocates while the scan is armed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use session_seal_core::jose::keys::encryption_key;
use session_seal_core::payload::claims::Clock;
use session_seal_core::testing::aead::AeadKey;
use session_seal_core::{CipherOptions, SessionCipher};

const MAX_WATCHED: usize = 16;

/// The watched 16-byte patterns, as two words each (an allocator must not allocate, so no Vec here).
static PATTERNS: [[AtomicU64; 2]; MAX_WATCHED] =
    [const { [AtomicU64::new(0), AtomicU64::new(0)] }; MAX_WATCHED];
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static ARMED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);

struct Scanning;

// SAFETY: every call is forwarded to `System` unchanged; `dealloc` only reads the block first, which is
// still allocated and `layout.size()` bytes long at that point.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            // SAFETY: the block is live until `System.dealloc` below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_a_watched_key(block) {
                HITS.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

fn holds_a_watched_key(block: &[u8]) -> bool {
    let watched = WATCHED.load(Ordering::SeqCst);
    block.windows(16).any(|window| {
        let lo = u64::from_le_bytes(window[..8].try_into().unwrap());
        let hi = u64::from_le_bytes(window[8..].try_into().unwrap());
        PATTERNS[..watched]
            .iter()
            .any(|p| p[0].load(Ordering::Relaxed) == lo && p[1].load(Ordering::Relaxed) == hi)
    })
}

/// Watches the derived keys of `secrets` and counts the freed blocks that hold one while `body` runs.
fn freed_blocks_holding_keys(secrets: &[String], body: impl FnOnce()) -> usize {
    assert!(secrets.len() <= MAX_WATCHED);
    for (slot, secret) in PATTERNS.iter().zip(secrets) {
        let key = encryption_key(secret);
        slot[0].store(
            u64::from_le_bytes(key.as_bytes()[..8].try_into().unwrap()),
            Ordering::SeqCst,
        );
        slot[1].store(
            u64::from_le_bytes(key.as_bytes()[8..16].try_into().unwrap()),
            Ordering::SeqCst,
        );
    }
    WATCHED.store(secrets.len(), Ordering::SeqCst);
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    body();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

#[test]
fn no_freed_block_holds_key_material() {
    // The control: keys moved by a growing Vec and never wiped in their old places must be seen, or the
    // scan proves nothing on this build (the check below would pass vacuously).
    let control: Vec<String> = (0..9).map(|i| format!("control-secret-{i}")).collect();
    let seen = freed_blocks_holding_keys(&control, || {
        let mut grown = Vec::new();
        for secret in &control {
            grown.push(std::mem::ManuallyDrop::new(AeadKey::new(
                encryption_key(secret).as_bytes(),
            )));
        }
        // Wipe the survivors properly; only the copies the growth left behind stay unwiped.
        for key in &mut grown {
            // SAFETY: each key is dropped once and not used again.
            unsafe { std::mem::ManuallyDrop::drop(key) };
        }
    });
    assert!(
        seen > 0,
        "the scan must see unwiped key copies in freed blocks"
    );

    // The real thing: rings of every size up to the cap, built, used to seal and open, dropped.
    for n in 1..=MAX_WATCHED {
        let secrets: Vec<String> = (0..n)
            .map(|i| format!("ring-{n}-secret-{i}-long-enough-for-real-use"))
            .collect();
        let leaked = freed_blocks_holding_keys(&secrets, || {
            let cipher = SessionCipher::new(&secrets, CipherOptions::default()).unwrap();
            let cookie = cipher.seal_payload(r#"{"id":"x"}"#, 2e9, None).unwrap();
            let clock = Clock::new(1e9, 15.0).unwrap();
            assert_eq!(cipher.open(&cookie, clock).unwrap().key_index, 0);
            let old = SessionCipher::new(&secrets[n - 1..], CipherOptions::default()).unwrap();
            let older_cookie = old.seal_payload(r#"{"id":"y"}"#, 2e9, None).unwrap();
            assert_eq!(cipher.open(&older_cookie, clock).unwrap().key_index, n - 1);
        });
        assert_eq!(
            leaked, 0,
            "a ring of {n} secrets freed {leaked} block(s) holding key material"
        );
    }
}
