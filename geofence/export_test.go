package geofence

// JudgeLinear exposes the unindexed scan to the black-box tests.
func (s *ZoneSet) JudgeLinear(p Point, accuracy float64) Judgement { return s.judgeLinear(p, accuracy) }

// JudgeWork is Judge that also returns the nodes visited plus zones measured.
func (s *ZoneSet) JudgeWork(p Point, accuracy float64) (Judgement, int) { return s.judge(p, accuracy) }
