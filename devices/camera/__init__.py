"""The counter camera: frames from a V4L2 device, a video file or a folder of images
(``opencv``, the one module that imports OpenCV), and the image operations the photo checks
measure with. The adapter holds no rules: what a good photo is lives in ``kiosk.domain.photo``.
"""
