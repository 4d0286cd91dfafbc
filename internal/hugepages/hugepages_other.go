//go:build !linux

package hugepages

func available() bool { return false }

func reserve(int) advice { return advice{} }

func withdraw(advice) {}
