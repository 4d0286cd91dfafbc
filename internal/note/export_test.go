package note

// CheckText is checkText, for the benchmark in package note_test.
var CheckText = checkText
