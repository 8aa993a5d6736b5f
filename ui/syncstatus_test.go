package ui

import (
	"testing"
	"time"
)

func TestHubStatusText(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		s    HubSyncStatus
		want string
	}{
		{HubSyncStatus{}, ""},
		{HubSyncStatus{Joined: true}, "Not synced yet"},
		{HubSyncStatus{Joined: true, Failing: true, LastSync: now.Add(-time.Hour), Laptops: 2}, "Cannot reach the hub — will retry"},
		{HubSyncStatus{Joined: true, LastSync: now.Add(-20 * time.Second), Laptops: 2}, "Synced just now · 2 laptops"},
		{HubSyncStatus{Joined: true, LastSync: now.Add(-3 * time.Minute), Laptops: 2}, "Synced 3 min ago · 2 laptops"},
		{HubSyncStatus{Joined: true, LastSync: now.Add(-time.Hour), Laptops: 1}, "Synced 1 hour ago · 1 laptop"},
		{HubSyncStatus{Joined: true, LastSync: now.Add(-5 * 24 * time.Hour), Laptops: 3}, "Synced 5 days ago · 3 laptops"},
	} {
		if got := hubStatusText(c.s, now); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}
