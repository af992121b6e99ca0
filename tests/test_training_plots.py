"""course_lib.viz.training: loss curves and decision regions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.viz.training import plot_decision_regions, plot_loss_curves  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class Run:  # what the plot reads of a training History: two fields
    def __init__(self, epoch_loss, step_loss=()):
        self.epoch_loss, self.step_loss = epoch_loss, list(step_loss)


def test_loss_curves_one_line_per_learning_rate_log_scale_when_they_span_decades():
    fig = plot_loss_curves({"lr 0.1": [1.0, 0.1, 0.01, 0.001],
                            "lr 0.01": Run([1.0, 0.8, 0.7, 0.6])})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["lr 0.1", "lr 0.01"]
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    assert ax.get_lines()[1].get_xdata().tolist() == [1, 2, 3, 4]  # epochs count from 1
    assert ax.get_lines()[1].get_ydata().tolist() == [1.0, 0.8, 0.7, 0.6]
    flat = plot_loss_curves({"a": [1.0, 0.5, 0.4]}).axes[0]
    assert flat.get_yscale() == "linear"
    assert plot_loss_curves({"a": [1.0, 0.5]}, log=True).axes[0].get_yscale() == "log"
    assert plot_loss_curves({"a": [1.0, -0.5, 1e4]}).axes[0].get_yscale() == "linear"


def test_a_diverged_curve_stops_at_its_last_finite_loss_with_a_cross():
    ax = plot_loss_curves({"lr 1": [1.0, 10.0, 1e3, np.inf, np.nan]}).axes[0]
    line, cross = ax.get_lines()
    assert line.get_label() == "lr 1 (diverged)"
    assert line.get_ydata().tolist() == [1.0, 10.0, 1e3]
    assert cross.get_marker() == "x" and cross.get_ydata().tolist() == [1e3]


def test_loss_curves_per_step_and_into_a_given_axis():
    fig, (left, right) = plt.subplots(1, 2)
    out = plot_loss_curves({"run": Run([0.5], step_loss=[0.9, 0.6, 0.3])}, per="step", ax=right)
    assert out is fig and not left.get_lines()
    assert right.get_lines()[0].get_ydata().tolist() == [0.9, 0.6, 0.3]
    assert right.get_xlabel() == "step"
    with pytest.raises(ValueError, match="per must be"):
        plot_loss_curves({"run": [1.0]}, per="batch")


def test_decision_regions_colour_the_plane_by_the_predicted_class():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 0, 2])
    threshold = lambda P: (P[:, 0] > 0.5).astype(int)  # noqa: E731  class 1 right of x1 = 0.5
    fig = plot_decision_regions(threshold, X, y, feature_names=["a", "b"], resolution=50,
                                class_names=["zero", "one", "two"])
    ax = fig.axes[0]
    mesh = ax.collections[0]
    regions = np.asarray(mesh.get_array()).reshape(50, 50)
    xs = np.linspace(-0.5, 1.5, 50)  # the data's range plus padding
    assert np.array_equal(regions, np.tile(xs > 0.5, (50, 1)).astype(int))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["zero", "one", "two"]
    assert ax.get_legend().get_title().get_text() == "3/4 correct"  # the class-2 point is wrong
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")


def test_decision_regions_take_scores_or_a_tensor_and_refuse_bad_shapes():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1])

    class Out:  # a Tensor, as a plot sees it: its .data
        def __init__(self, data):
            self.data = data

    scores = lambda P: Out(np.column_stack([-P.sum(1), P.sum(1) - 1]))  # noqa: E731
    ax = plot_decision_regions(scores, X, y, resolution=20).axes[0]
    assert ax.get_legend().get_title().get_text() == "2/2 correct"
    with pytest.raises(ValueError, match=r"\(M,\) labels or \(M, C\) scores"):
        plot_decision_regions(lambda P: P[:, :1], X, y)
    with pytest.raises(ValueError, match="exactly 2 features"):
        plot_decision_regions(lambda P: P[:, 0], np.ones((2, 3)), y)


def test_paths_on_contours_one_or_several_on_one_plot():
    from course_lib.viz.plots import plot_path_on_contours

    def bowl(x):
        return x[0] ** 2 + 10 * x[1] ** 2

    one = plot_path_on_contours(bowl, [[2.0, 1.0], [1.0, 0.5]]).axes[0]
    assert [line.get_label() for line in one.get_lines()] == ["gradient descent", "start"]
    paths = {"lr 0.01": [[2.0, 1.0], [1.9, 0.8]], "lr 0.09": [[2.0, 1.0], [1.6, -0.8]]}
    ax = plot_path_on_contours(bowl, paths).axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["lr 0.01", "lr 0.09", "start"]
    assert lines[0].get_color() != lines[1].get_color()
    np.testing.assert_array_equal(lines[2].get_xydata(), [[2.0, 1.0]])  # one shared start


def test_contours_of_a_function_of_one_point_only_are_the_same():
    from course_lib.viz.plots import _on_grid

    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 4))
    by_array = _on_grid(lambda p: p[0] ** 2 - 3 * p[1], X, Y)
    one_point = _on_grid(lambda p: float(p[0] ** 2 - 3 * p[1]), X, Y)  # float(): points only
    np.testing.assert_allclose(by_array, X ** 2 - 3 * Y)
    np.testing.assert_allclose(one_point, X ** 2 - 3 * Y)
