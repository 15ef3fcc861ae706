/*
 * balloon-3.8-four.pml -- four actors on the Linux 3.8 balloon migration protocol:
 * inflate (fill_balloon), deflate (leak_balloon), one compaction thread (isolate, then
 * migrate or put back) and unload (virtballoon_remove + module gone).
 * The model itself, its properties, variants and abstractions: balloon-3.8-common.pml.
 */
#define NCOMPACT 1
#include "balloon-3.8-common.pml"
