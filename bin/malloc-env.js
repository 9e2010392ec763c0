// glibc keeps what LanceDB's threads free: big buffers come from its heaps once its mmap threshold
// has grown with use, and stay there. A fixed 1 MiB threshold hands them back to the system: peak
// RSS of a 100 MB import 700 → 480 MB, of 1 GB 1.09 → 0.75 GB, for 15–25% more CPU (bench/kb).
// glibc reads it only when a process starts. Used by bin/agenta.js and by bench/kb for its imports.
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '1048576' }
