"""Sentences the MiniLM agreement tests embed: short, long (over 128 tokens), empty, accented,
numeric; "ok" (the shortest non-empty text) is where int8 loses most."""

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A man is riding a white horse on an enclosed ground.",
    "A monkey is playing drums.",
    "Someone in a gorilla costume is playing a set of drums.",
    "Transfer learning helps when the source and the target distributions are close.",
    "Négative transfer: a pre-trained model can hurt when domains differ — sometimes a lot!",
    "ok",
    "",
    "MRI scans of knees, labelled by two radiologists, 2019–2021.",
    " ".join(["long sentence that exceeds one hundred and twenty eight tokens"] * 30),
    "Numbers like 3.14159 and identifiers like x_target_17 tokenise into word pieces.",
]
