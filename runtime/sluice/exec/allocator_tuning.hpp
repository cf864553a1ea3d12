#pragma once

namespace sluice::exec {

/// Keeps freed batch memory in glibc's arenas instead of handing it back to
/// the kernel, once per process (later calls do nothing). pipeline_run calls
/// it, so every runner (the `sluice` command, the editor, the benchmarks)
/// gets it.
///
/// Why: batches are allocated on one worker thread and freed on another, a
/// few hundred KB at a time (a 2048-row NEXMark bid batch is ~450 KB of
/// columns). glibc's default is an adaptive mmap threshold (128 KB, raised
/// to the largest mmapped chunk freed so far, up to 32 MB) with a trim
/// threshold of twice that: with batches of this size the arenas' free tops
/// keep crossing the trim threshold, so freed memory is returned (madvise)
/// and faulted in again, zeroed, by the next batch. On NEXMark q0 that was
/// ~20 000 page faults and ~9 % of the CPU per 10 M events; with the
/// thresholds fixed at the adaptive scheme's upper end, ~2 000. Setting only
/// the trim threshold would turn the adaptive mmap threshold off and make
/// every batch its own mmap (~230 000 faults), hence both.
/// Cost: up to 64 MB of free memory per arena stays with the process (RSS
/// stays at the run's peak); data in flight is still bounded by credit.
void tune_allocator_for_batches();

} // namespace sluice::exec
