//! What `std` would provide in the shipped build: an allocator, and a panic handler that
//! traps without formatting anything (`core::fmt` alone would cost several KB gzip).
//! No panic is reachable from JS input; this exists only because the language requires it.

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
