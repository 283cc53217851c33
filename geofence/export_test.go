package geofence

// JudgeLinear exposes the unindexed scan to the black-box tests.
func (s *ZoneSet) JudgeLinear(p Point, accuracy float64) Judgement { return s.judgeLinear(p, accuracy) }
