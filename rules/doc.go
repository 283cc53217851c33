// Package rules holds the attendance policy model and its pure evaluation: a day's
// punches and the policy in force become a day result with reasons. Evaluation never
// reads a clock, the host time zone or map order.
package rules
