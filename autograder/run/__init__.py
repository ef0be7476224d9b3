"""The process boundary: a student's code runs in a process of its own and only plain data crosses.

* :mod:`.session`  the grader's side: a process it can call, time out and restart
* :mod:`.worker`   the student's side: runs the submission, answers requests
* :mod:`.protocol`, :mod:`.codec`  frames and plain values on the pipes
* :mod:`.magics`, :mod:`.keras_ops`, :mod:`.zygote`, :mod:`.device`  the worker's IPython
  syntax, its Keras requests, the pre-warmed TensorFlow process, where models train

Importing this package imports nothing: the worker starts with NumPy only.
"""
