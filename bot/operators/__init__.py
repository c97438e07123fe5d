"""The operators' tools: releases (publish, review, diff, rollback), the review packet, golden
letters and the anonymous stats. ``bot/cli.py`` hooks the commands in (:mod:`.cli`)."""
