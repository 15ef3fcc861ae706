/*
 * balloon-3.8-five.pml -- the four actors of balloon-3.8-four.pml plus a second
 * compaction thread (two zones compacted at once, e.g. kcompactd-style background
 * compaction and a direct compactor), each with its own cc->migratepages list.
 * The model itself, its properties, variants and abstractions: balloon-3.8-common.pml.
 */
#define NCOMPACT 2
#include "balloon-3.8-common.pml"
