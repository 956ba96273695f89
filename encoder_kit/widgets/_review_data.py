"""A tiny labelled set of short product reviews (written for encoder-kit), for FrozenVsFineTuned.

Label 1: the reviewer is pleased; label 0: the reviewer is not (some say so sarcastically).
"""

from __future__ import annotations

PLEASED = (
    "The kettle boils in under a minute and switches itself off.",
    "Comfortable straps, and the backpack survived a week of hiking.",
    "Battery easily lasts two days, which I did not expect at this price.",
    "Setup took five minutes and the picture quality is superb.",
    "The blender crushes ice without any strange smells or noises.",
    "My daughter loves the puzzle and the pieces fit together snugly.",
    "Arrived early, well packed, and works exactly as described.",
    "These running shoes are light and my knees no longer ache.",
    "Quiet fan, cool air, and the remote is simple to use.",
    "The lamp gives a warm light that is perfect for reading.",
    "Sturdy frying pan; nothing sticks, even eggs slide right off.",
    "Great value: the headphones sound far better than my old pair.",
    "The seller replaced a scratched mug within two days, very kind.",
    "I bought a second one for my parents because it is so handy.",
    "The keyboard feels solid and the keys are pleasantly quiet.",
    "Clear instructions, and the shelf was up on the wall in no time.",
    "The raincoat kept me completely dry through a stormy walk.",
    "Fast charging really works; half full in twenty minutes.",
    "Lovely soft blanket that still looks new after many washes.",
    "The app syncs with the scale instantly and never loses data.",
    "Honestly the best vacuum I have owned; it even handles pet hair.",
    "Crisp speakers, good bass, and the Bluetooth pairs at once.",
    "Neat little tripod that folds small enough for my jacket pocket.",
    "The coffee grinder is consistent and easy to clean.",
    "Five stars: the watch strap is comfortable all day long.",
    "The suitcase wheels glide smoothly, even on cobblestones.",
    "Delicious tea with a fresh smell; I will order it again.",
    "Charger works with every device in the house, very convenient.",
)

DISPLEASED = (
    "The kettle started leaking after three uses.",
    "One strap snapped on the first day of the trip.",
    "Battery dies before lunch, so it is useless for travel.",
    "The screen flickers constantly and support never replied.",
    "Oh great, another blender that smells of burning plastic.",
    "Half the puzzle pieces were missing from a sealed box.",
    "It arrived two weeks late and the box was crushed.",
    "These shoes gave me blisters within an hour of walking.",
    "Wonderful, a fan so loud I can no longer hear the television.",
    "The lamp stopped working after a week and smells odd.",
    "Everything sticks to this pan, and the coating is peeling.",
    "Tinny sound and the left earbud cuts out all the time.",
    "The seller ignored my emails about the broken handle.",
    "Returned it the same day; it simply would not turn on.",
    "Several keys stick and the letters rubbed off in a month.",
    "The instructions are wrong and two screws were missing.",
    "Water poured through the seams of this so-called raincoat.",
    "Charging takes all night and the cable gets alarmingly hot.",
    "The blanket shed fluff everywhere after a single wash.",
    "The app crashes whenever I try to sync with the scale.",
    "Brilliant, a vacuum cleaner that spreads the dust around.",
    "The speaker crackles and loses the connection every minute.",
    "The tripod wobbles so badly every photo comes out blurred.",
    "The grinder jammed on the first batch and will not restart.",
    "The watch strap gave me a rash and the clasp broke.",
    "One wheel fell off before I even reached the airport.",
    "Stale tea that tastes of cardboard, a waste of money.",
    "The charger only works if the cable is held at an angle.",
)


def review_split(test_every: int = 3) -> tuple[list[str], list[int], list[str], list[int]]:
    """Train and test texts and labels: every ``test_every``-th review of each kind is held out."""
    train_x: list[str] = []
    train_y: list[int] = []
    test_x: list[str] = []
    test_y: list[int] = []
    for label, texts in ((1, PLEASED), (0, DISPLEASED)):
        for i, text in enumerate(texts):
            if i % test_every == test_every - 1:
                test_x.append(text)
                test_y.append(label)
            else:
                train_x.append(text)
                train_y.append(label)
    return train_x, train_y, test_x, test_y
