/** A user's program: trains, saves, loads, predicts and runs a lottery experiment through the public API only. */
module dev.lottery.check {
    requires dev.lottery.experiment;
}
