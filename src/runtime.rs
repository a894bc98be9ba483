//! The wasm builds' allocator, and the `no_std` build's panic handler.
//!
//! The allocator is a size-class free list: every block is a power of two, freed blocks
//! are reused for the next request of the same class, and fresh space comes from
//! `memory.grow`. The client allocates a few small, short-lived buffers per call, so
//! this keeps memory flat after warm-up at a tenth of dlmalloc's code size. Direct mode
//! (with `std`) uses it too, in place of std's dlmalloc: its largest buffers are a token
//! response and a JWKS, a few KB each, and it saves 2 KB gzip there.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65536;
const CLASSES: usize = 32;

struct Heap {
    free: [*mut u8; CLASSES],
    next: usize,
    end: usize,
}

struct SizeClasses(UnsafeCell<Heap>);

// The wasm32-unknown-unknown build is single-threaded.
unsafe impl Sync for SizeClasses {}

#[global_allocator]
static ALLOCATOR: SizeClasses = SizeClasses(UnsafeCell::new(Heap {
    free: [null_mut(); CLASSES],
    next: 0,
    end: 0,
}));

/// The class of a layout: log2 of the block size (at least 8 bytes, at least the alignment).
fn class(layout: &Layout) -> usize {
    let size = layout.size().max(layout.align()).max(8);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let heap = &mut *self.0.get();
        let c = class(&layout);
        if c >= CLASSES {
            return null_mut();
        }
        let head = heap.free[c];
        if !head.is_null() {
            heap.free[c] = *(head as *mut *mut u8);
            return head;
        }
        let size = 1usize << c;
        // Blocks are aligned to their size (up to a page), which covers any alignment.
        let start = (heap.next + size.min(PAGE) - 1) & !(size.min(PAGE) - 1);
        if start + size > heap.end || heap.end == 0 {
            let pages = size.div_ceil(PAGE).max(4);
            let base = core::arch::wasm32::memory_grow(0, pages);
            if base == usize::MAX {
                return null_mut();
            }
            let base = base * PAGE;
            // Fresh pages follow the old end directly, so the bump region stays contiguous.
            if base != heap.end {
                heap.next = base;
            }
            heap.end = base + pages * PAGE;
            return self.alloc(layout);
        }
        heap.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let heap = &mut *self.0.get();
        let c = class(&layout);
        *(ptr as *mut *mut u8) = heap.free[c];
        heap.free[c] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(&new_layout) == class(&layout) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}

#[cfg(feature = "ship")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
