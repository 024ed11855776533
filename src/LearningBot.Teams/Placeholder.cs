namespace LearningBot.Teams; internal static class Placeholder { }
