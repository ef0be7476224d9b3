"""The one way a student's code runs for an instructor: isolated, on a scratch copy of its submission.

``deepgrade grade`` (batch/), ``deepgrade check --hidden`` (cli) and ``nbgrader
autograde`` (nbgrader/) all run student code through this package and never
reach past it:

* :mod:`.backends` -- the sandbox backends (bubblewrap, unshare, rlimits) and
  :func:`~.backends.detect`, which picks the best one that works on this host;
* :mod:`.slots` -- the machine-wide sandbox slots (one uid and lock per slot);
* :mod:`.process` -- a student's process inside the sandbox;
* :mod:`.prewarm` -- the pre-warmed TensorFlow process (zygote) per slot;
* :mod:`.submission` -- what of a submission enters, and grading it there.

``python -m autograder.isolate [--require BACKEND]`` says which sandbox works on
this host (a cluster job runs it before its worker starts).
"""
