"""Public tests: the judge validates, builds and trains the network your build() describes."""

from grader.exercise import arch, training
from grader.exercise.api import points

MIN_HIDDEN = 9
TARGET = 0.95


def trained_spec(submission):
    """The judge's validated copy of the spec (at least nine hidden layers) and its training."""
    spec = arch.validate(submission.build(), min_hidden=MIN_HIDDEN)
    return spec, training.train_on_moons(spec, seed=0)


@points(1)
def test_spec_is_in_the_vocabulary(submission):
    """build() returns a spec in the vocabulary (layer types, sizes, settings, budget)"""
    arch.validate(submission.build())


@points(1)
def test_keeps_nine_hidden_layers(submission):
    """the network keeps at least nine hidden layers"""
    spec = arch.validate(submission.build())
    assert spec.hidden_layers >= MIN_HIDDEN, (
        f"the network has {spec.hidden_layers} hidden layers (linear layers before the output "
        f"layer); the exercise is to make {MIN_HIDDEN} or more of them learn, not to remove them"
    )


@points(2)
def test_trains_on_the_lesson_moons(submission, attach):
    """trained by the judge, it classifies the 50 held-out lesson points with accuracy >= 0.95"""
    _, trained = trained_spec(submission)
    _, _, x_held, y_held = training.moons_split()
    acc = training.accuracy(trained, x_held, y_held)
    epochs = [str(i + 1) for i in range(len(trained.losses))]
    attach.bar_chart("training loss per epoch (judge's run)", epochs, trained.losses)
    assert acc >= TARGET, (
        f"after training, accuracy on the 50 held-out points is {acc:.2f} (needs {TARGET}); "
        f"the training loss went from {trained.losses[0]:.3f} to {trained.losses[-1]:.3f}"
    )
