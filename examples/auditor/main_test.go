package main

import (
	"context"
	"testing"
)

func TestStory(t *testing.T) {
	if err := story(context.Background()); err != nil {
		t.Fatal(err)
	}
}
