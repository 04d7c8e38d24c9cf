//go:build !linux

package web

import (
	"errors"
	"os"
)

// memFile is Linux only; elsewhere bodies are written from memory.
type memFile struct{}

func newMemFile([]byte) (*memFile, error) { return nil, errors.ErrUnsupported }

func (*memFile) open() (*os.File, error) { return nil, errors.ErrUnsupported }

func (*memFile) done(*os.File) {}
