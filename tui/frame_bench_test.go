package tui

import (
	"fmt"
	"testing"
)

// BenchmarkFrame draws one frame of a screen at 100×30: the work every key
// press costs. Its allocations are what the wizard's heap grows by before
// the first garbage collection, so they show in its peak memory too.
func BenchmarkFrame(b *testing.B) {
	for _, step := range []int{1, 8, 12} {
		b.Run(fmt.Sprintf("step%d", step), func(b *testing.B) {
			h := newHarness(b)
			h.resize(100, 30)
			if step > 1 {
				h.walkTo(step)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = h.w.View()
			}
		})
	}
}
