"""The learned second stage of matching: candidates, pair features, LightGBM, calibration.

* ``history`` -- the pair history and activity of a dataset cut, stored in the model;
* ``signals`` -- creator-wide vectors per brand the features read;
* ``features`` -- the feature table of a (brand, creator) pair (one function for training
  and serving);
* ``candidates`` -- stage one: the union of each cheap signal's top creators;
* ``train`` -- leak-free training cuts, labels, LightGBM fit and calibration;
* ``booster`` -- the trained model: probability, TreeSHAP contributions, persistence;
* ``scoring`` -- ranking a brand's creators with it (the path of ``match``);
* ``reasons`` -- plain-words reasons from the contributions.

See ``docs/matching.md``.
"""
